namespace Relay.Cluster.Tests.Support;

/// <summary>The repository root and the build outputs that <c>dotnet test Orleans.sln</c> made before the tests run.</summary>
public static class Artifacts
{
    /// <summary>The folder holding Orleans.sln.</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>The built assembly of a host project, e.g. <c>BuiltHost("Silo", "Relay.Silo")</c>, from the same configuration as the tests.</summary>
    public static string BuiltHost(string projectFolder, string assemblyName)
    {
        // The tests run from tests/Relay.Cluster.Tests/bin/{Configuration}/{tfm}/.
        var tfmFolder = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(RepoRoot, "src", projectFolder, "bin", tfmFolder.Parent!.Name, tfmFolder.Name, assemblyName + ".dll");
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: build the solution first (dotnet test Orleans.sln does).");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Orleans.sln above {AppContext.BaseDirectory}.");
    }
}
