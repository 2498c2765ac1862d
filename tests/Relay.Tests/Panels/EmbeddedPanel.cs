using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using Microsoft.Playwright;

namespace Relay.Tests.Panels;

/// <summary>
/// A page of a fake SuperOffice that embeds one panel in an iframe from another site, as SuperOffice does;
/// collects the dialogs the page opens and the panel's HTTP statuses.
/// </summary>
public sealed class EmbeddedPanel : IAsyncDisposable
{
    /// <summary>The origin of the fake SuperOffice page; a tenant's panel settings must allow it as frame ancestor.</summary>
    public const string SuperOfficeOrigin = "http://crm.superoffice.test";

    private readonly IBrowserContext _context;

    private EmbeddedPanel(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Dialog += (_, dialog) =>
        {
            Dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        page.Response += (_, response) =>
        {
            if (response.Url.Contains("/panels/", StringComparison.Ordinal))
            {
                PanelStatuses.Add(response.Status);
            }
        };
    }

    /// <summary>The fake SuperOffice page.</summary>
    public IPage Page { get; }

    /// <summary>Messages of dialogs the page tried to open (none, unless a hostile string ran as script).</summary>
    public ConcurrentBag<string> Dialogs { get; } = [];

    /// <summary>HTTP statuses of the panel's responses.</summary>
    public ConcurrentBag<int> PanelStatuses { get; } = [];

    /// <summary>The panel inside the iframe.</summary>
    public IFrameLocator Frame => Page.FrameLocator("#panel");

    /// <summary>Opens the fake SuperOffice page with <paramref name="panelUrl"/> in its iframe, in a fresh browser context.</summary>
    public static async Task<EmbeddedPanel> OpenAsync(IBrowser browser, string panelUrl)
    {
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1000, Height = 800 } });
        var page = await context.NewPageAsync();
        var panel = new EmbeddedPanel(context, page);
        await page.RouteAsync(SuperOfficeOrigin + "/**", route => route.FulfillAsync(new()
        {
            ContentType = "text/html",
            Body = $"""
                <!doctype html><html><head><meta charset="utf-8"><title>SuperOffice CRM</title></head>
                <body style="margin:0;font-family:sans-serif"><div style="background:#2d3e50;color:#fff;padding:8px">SuperOffice CRM · web panel</div>
                <iframe id="panel" src="{HtmlEncoder.Default.Encode(route.Request.Url.Split("?src=")[1] is var src ? Uri.UnescapeDataString(src) : "")}" style="width:100%;height:720px;border:0"></iframe></body></html>
                """,
        }));
        await panel.GotoAsync(panelUrl);
        return panel;
    }

    /// <summary>Shows another panel URL in the iframe.</summary>
    public async Task GotoAsync(string panelUrl)
    {
        await Page.GotoAsync($"{SuperOfficeOrigin}/panel?src={Uri.EscapeDataString(panelUrl)}");
        await Frame.Locator("body").WaitForAsync();
    }

    /// <summary>Saves a screenshot of the whole page with the test results.</summary>
    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new() { Path = Path.Combine(ChromiumFixture.ScreenshotFolder, name + ".png"), FullPage = true });

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
