using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Relay.Tests.Web;

/// <summary>
/// The README's run command and curl examples, as a new user would use them: <c>dotnet run --project
/// src/Web</c> in its own process, then every curl block of the README, in order.
/// </summary>
public sealed partial class ReadmeExamplesTests
{
    [Fact]
    public async Task The_readme_curl_examples_work_against_dotnet_run()
    {
        var root = RepoRoot.Find();
        var readme = await File.ReadAllTextAsync(Path.Combine(root, "README.md"));
        ShellBlocks(readme).ShouldContain(b => b.Trim() == "dotnet run --project src/Web");
        var examples = ShellBlocks(readme).Where(b => b.Contains("curl", StringComparison.Ordinal)).ToList();
        examples.Count.ShouldBeGreaterThanOrEqualTo(3);
        var port = FreePorts.Next();
        var baseUrl = $"http://127.0.0.1:{port}";

        await using var web = await WebProcess.StartAsync(root, port);
        foreach (var example in examples)
        {
            var script = example.Replace("http://localhost:5080", baseUrl, StringComparison.Ordinal);
            await Eventually.GetAsync(() => RunBashAsync(script), r => r.ExitCode == 0, $"the README example to succeed:\n{script}");
        }

        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", ReadmeSalesCredential);
        var ann = await Eventually.GetAsync(
            async () => await http.GetFromJsonAsync<JsonNode>("/api/tenants/demo/contacts/c-10293"),
            c => c!["outcomes"]!.AsArray().Count == 3,
            "Ann's three actions to succeed");
        ann!["status"]!.GetValue<string>().ShouldBe("linked");
        ann["outcomes"]!.AsArray().Select(o => o!["kind"]!.GetValue<string>()).ShouldBe(["createSale", "notifySalesRep", "addInterest"]);
        var leads = await Eventually.GetAsync(
            async () => await http.GetFromJsonAsync<JsonNode>("/api/tenants/demo/leads"),
            l => l!["total"]!.GetValue<int>() == 1,
            "the ambiguous lead to be listed");
        leads!["items"]![0]!["reason"]!.GetValue<string>().ShouldBe("ambiguous");
        leads["items"]![0]!["candidates"]!.AsArray().Count.ShouldBe(2);
        leads["items"]![0]!["pendingActions"]!.GetValue<int>().ShouldBe(3);
    }

    /// <summary>The demo tenant's documented <c>read</c>/<c>decide</c> credential (Development only).</summary>
    public const string ReadmeSalesCredential = "rly_demo_DevelopmentOnlyReadCredentialOfTheReadme000";

    [Fact]
    public void The_documented_development_credentials_are_those_the_development_settings_seed()
    {
        var root = RepoRoot.Find();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "src", "Web", "appsettings.Development.json")))!["Relay"]!;
        var tokens = settings["Demo"]!["Credentials"]!.AsArray().Select(c => c!["Token"]!.GetValue<string>()).ToList();
        tokens.ShouldContain(ReadmeSalesCredential);
        foreach (var token in tokens.Append(settings["Demo"]!["SigningSecret"]!.GetValue<string>()))
        {
            readme.ShouldContain(token);
        }

        File.ReadAllText(Path.Combine(root, "src", "Web", "appsettings.json")).ShouldNotContain("DevelopmentOnly");
    }

    private static IEnumerable<string> ShellBlocks(string markdown) =>
        ShellBlock().Matches(markdown).Select(m => m.Groups[1].Value);

    private static async Task<(int ExitCode, string Output)> RunBashAsync(string script)
    {
        using var bash = Process.Start(new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await bash.StandardOutput.ReadToEndAsync() + await bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();
        return (bash.ExitCode, output);
    }

    [GeneratedRegex("```sh\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}

/// <summary>Finds the repository root (the folder holding Orleans.sln) from the test's output folder.</summary>
public static class RepoRoot
{
    /// <summary>The repository root.</summary>
    public static string Find()
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

/// <summary><c>dotnet run --project src/Web</c> in a process of its own, on ports of its own, ended on dispose.</summary>
public sealed class WebProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _log = new();

    private WebProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Starts the web host without rebuilding it and waits until it is ready.</summary>
    public static async Task<WebProcess> StartAsync(string root, int port)
    {
        var start = new ProcessStartInfo("dotnet", ["run", "--project", "src/Web", "--no-build", "--", "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Relay__Orleans__SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        start.Environment["Relay__Orleans__GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        start.Environment["Relay__Orleans__ClusterId"] = "readme-" + port.ToString(CultureInfo.InvariantCulture);
        var web = new WebProcess(Process.Start(start)!);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await Eventually.GetAsync(
            async () =>
            {
                if (web._process.HasExited)
                {
                    throw new InvalidOperationException($"dotnet run exited with {web._process.ExitCode}:\n{web.Log}");
                }

                try
                {
                    return (await http.GetAsync("/health/ready")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            ready => ready,
            "dotnet run --project src/Web to be ready");
        return web;
    }

    /// <summary>What the process printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
