using Microsoft.Playwright;

namespace SmartCommunity.Dashboard.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright (never Playwright's own browser download), one per test class or
/// collection, with a fresh context (cookies, storage) per page.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>A phone in portrait (the guard's view).</summary>
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    /// <summary>A control-room screen.</summary>
    public static readonly ViewportSize Desk = new() { Width = 1600, Height = 1000 };

    private static readonly string[] Args =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static async Task<Browser> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: deploy/scripts/install-deps.sh test installs Debian's chromium.");
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = Args,
                Timeout = 60_000,
            });
            return new Browser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A new page in its own context, in Chinese (the default) and the browser's zone set to Shanghai.</summary>
    public async Task<IPage> NewPageAsync(string baseUrl, ViewportSize? viewport = null, string timezone = "Asia/Shanghai")
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = viewport ?? Desk,
            Locale = "zh-CN",
            TimezoneId = timezone,
            IsMobile = viewport == Phone,
            HasTouch = viewport == Phone,
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                ConsoleErrors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => ConsoleErrors.Add(error);
        return page;
    }

    /// <summary>Script errors seen on any page (a test may assert none).</summary>
    public List<string> ConsoleErrors { get; } = [];

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
