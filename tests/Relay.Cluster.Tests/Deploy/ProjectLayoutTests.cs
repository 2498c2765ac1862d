using System.Xml.Linq;

namespace Relay.Cluster.Tests.Deploy;

/// <summary>
/// The shape the design asks of the projects: the domain (src/Grains) carries no web framework, dashboard, Azure
/// identity or telemetry exporters (the hosting project does, for both hosts), and no source file outgrows a reader.
/// </summary>
public sealed class ProjectLayoutTests
{
    private static readonly string Src = Path.Combine(Artifacts.RepoRoot, "src");

    [Theory]
    [InlineData("FrameworkReference", "Microsoft.AspNetCore.App")]
    [InlineData("PackageReference", "Microsoft.Orleans.Dashboard")]
    [InlineData("PackageReference", "Azure.Identity")]
    [InlineData("PackageReference", "OpenTelemetry.Exporter.Prometheus.AspNetCore")]
    [InlineData("PackageReference", "OpenTelemetry.Exporter.OpenTelemetryProtocol")]
    [InlineData("PackageReference", "OpenTelemetry.Instrumentation.AspNetCore")]
    public void The_grains_project_does_not_reference_hosting_concerns(string kind, string name)
    {
        References(Path.Combine("Grains", "Relay.Grains.csproj"), kind).ShouldNotContain(name);
    }

    [Fact]
    public void The_grains_project_references_no_other_project()
    {
        References(Path.Combine("Grains", "Relay.Grains.csproj"), "ProjectReference").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Silo", "Relay.Silo.csproj")]
    [InlineData("Web", "Relay.Web.csproj")]
    public void Both_hosts_reference_the_hosting_project(string folder, string project)
    {
        References(Path.Combine(folder, project), "ProjectReference").ShouldContain(@"..\Hosting\Relay.Hosting.csproj");
    }

    [Fact]
    public void No_source_file_under_src_is_over_400_lines()
    {
        var tooLong = Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(f))
            .Select(f => (File: Path.GetRelativePath(Artifacts.RepoRoot, f), Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > 400)
            .Select(f => $"{f.File}: {f.Lines} lines");

        tooLong.ShouldBeEmpty();
    }

    private static List<string> References(string project, string kind) =>
        [.. XDocument.Load(Path.Combine(Src, project)).Descendants(kind).Select(r => (string?)r.Attribute("Include") ?? "")];

    private static bool IsBuildOutput(string file)
    {
        var parts = Path.GetRelativePath(Src, file).Split(Path.DirectorySeparatorChar);
        return parts.Contains("obj") || parts.Contains("bin");
    }
}
