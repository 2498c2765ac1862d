using Microsoft.Playwright;

namespace Relay.Tests.Panels;

/// <summary>
/// Debian's Chromium driven by Playwright, headless. Playwright's own browser download is never used:
/// <c>.ci/run</c> installs <c>/usr/bin/chromium</c>, and without it these tests fail saying so.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    /// <summary>Where Debian puts Chromium; <c>RELAY_CHROMIUM</c> overrides it.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("RELAY_CHROMIUM") ?? "/usr/bin/chromium";

    private IPlaywright _playwright = null!;

    /// <summary>The browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots of the panels are saved: <c>TestResults/panels</c> of the test project that runs.</summary>
    // Tests run from tests/{project}/bin/{configuration}/{tfm}/.
    public static string ScreenshotFolder => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "TestResults", "panels"));

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"Chromium is not at {ExecutablePath}. Install Debian's chromium (apt-get install -y chromium), as .ci/run does, or set RELAY_CHROMIUM.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // The fake SuperOffice page counts as a public site and the panel host is on loopback, which
            // Chromium's local network access checks would block; in production both are public.
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests",
            ],
        });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
