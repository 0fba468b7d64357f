using System.Net.Http.Json;
using Microsoft.Playwright;
using SmartCommunity.Dashboard.Tests.Support;

namespace SmartCommunity.Dashboard.Tests.Views;

/// <summary>Each role signs in through the form and lands on its own view, seeing only that one.</summary>
[Collection(SharedDashboard.Name)]
public sealed class RoleViewTests(DashboardFixture fixture)
{
    public static TheoryData<string, string, string> Roles => new()
    {
        { DemoPeople.PublicSecurity, "view-security", "security" },
        { DemoPeople.Emergency, "view-emergency", "emergency" },
        { DemoPeople.WaterAuthority, "view-water", "water" },
        { DemoPeople.Guard, "view-guard", "guard" },
    };

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task EachRoleSignsInAndLandsOnItsOwnViewOnly(string username, string viewTestId, string screenshot)
    {
        var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl, screenshot == "guard" ? Browser.Phone : Browser.Desk);
        await page.SignInAsync(username);

        await Assertions.Expect(page.GetByTestId(viewTestId)).ToBeVisibleAsync();
        foreach (var other in new[] { "view-security", "view-emergency", "view-water", "view-guard" }.Where(v => v != viewTestId))
        {
            await Assertions.Expect(page.GetByTestId(other)).ToHaveCountAsync(0);
        }

        // No way to other views: the menu is for admins only, and a typed address falls back to one's own view.
        await Assertions.Expect(page.Locator("#nav a")).ToHaveCountAsync(0);
        await page.EvaluateAsync("location.hash = '#/water'");
        await Assertions.Expect(page.GetByTestId(viewTestId)).ToBeVisibleAsync();
        await page.SaveScreenshotAsync("view-" + screenshot);
        // No script failed on the way (a 404 from a feature API not there yet is a handled answer, not an error).
        Assert.DoesNotContain(fixture.Browser.ConsoleErrors, e => !e.Contains("Failed to load resource", StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task EachViewShowsWhatTheRegistryHas()
    {
        var water = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        await water.SignInAsync(DemoPeople.WaterAuthority);
        await Assertions.Expect(water.GetByTestId("spot")).ToHaveCountAsync(2);
        await Assertions.Expect(water.Locator("[data-spot-id=spot-hetan-beach] h3")).ToHaveTextAsync("沙洲滩");
        await Assertions.Expect(water.GetByTestId("reservoirs")).ToContainTextAsync("青溪水库");
        await water.Context.CloseAsync();

        var emergency = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        await emergency.SignInAsync(DemoPeople.Emergency);
        var plan = emergency.GetByTestId("site-plan");
        await Assertions.Expect(plan).ToBeVisibleAsync();
        // The site plan is drawn from the registry: every located cell below the community, both spots.
        await Assertions.Expect(plan.Locator("g.cell")).ToHaveCountAsync(12);
        await Assertions.Expect(plan.Locator("g.spot")).ToHaveCountAsync(2);
        await emergency.Context.CloseAsync();

        var security = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        await security.SignInAsync(DemoPeople.PublicSecurity);
        await Assertions.Expect(security.GetByTestId("camera").First).ToBeVisibleAsync();
        Assert.True(await security.GetByTestId("camera").CountAsync() >= 3);
        await security.Context.CloseAsync();
    }

    [Fact]
    public async Task AnAdminSeesEveryViewAndSwitchesWithTheKeyboard()
    {
        var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        await page.SignInAsync("admin", DemoPeople.AdminPassword);
        await Assertions.Expect(page.Locator("#nav a")).ToHaveCountAsync(5);
        await Assertions.Expect(page.GetByTestId("view-emergency")).ToBeVisibleAsync();

        await page.GetByTestId("nav-water").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("view-water")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("nav-water")).ToHaveAttributeAsync("aria-current", "page");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SignInWorksWithTheKeyboardAlone()
    {
        var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        await page.GotoAsync("/");
        // The username field has focus on arrival; Tab moves to the password; Enter submits.
        await Assertions.Expect(page.GetByLabel("账号")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(DemoPeople.Emergency);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(DemoPeople.Password);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("view-emergency")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("em-zhao", "wrong-password-1")]
    [InlineData("nobody-here", "demo-password-2026")]
    [InlineData("' OR 1=1 --", "x")]
    public async Task AWrongSignInIsRefusedWithAMessageAndNoView(string username, string password)
    {
        var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        await page.GotoAsync("/");
        await page.GetByLabel("账号").FillAsync(username);
        await page.GetByLabel("密码").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("login-error")).ToHaveTextAsync("账号或密码错误");
        await Assertions.Expect(page.Locator("[data-testid^=view-]")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ChineseIsTheDefaultAndEnglishIsOneClickAway()
    {
        var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        await page.SignInAsync(DemoPeople.WaterAuthority);
        await Assertions.Expect(page.Locator("#title")).ToHaveTextAsync("智慧社区 安全值守");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");

        await page.GetByTestId("lang").ClickAsync();
        await Assertions.Expect(page.Locator("#title")).ToHaveTextAsync("SmartCommunity safety desk");
        await Assertions.Expect(page.Locator("[data-spot-id=spot-hetan-beach] h3")).ToHaveTextAsync("Sandbar Beach");
        await Assertions.Expect(page.GetByTestId("connection")).ToHaveTextAsync("Live");
        await page.SaveScreenshotAsync("view-water-english");

        // The choice is kept: a reload stays in English.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#title")).ToHaveTextAsync("SmartCommunity safety desk");
        await page.GetByTestId("lang").ClickAsync();
        await Assertions.Expect(page.Locator("#title")).ToHaveTextAsync("智慧社区 安全值守");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task MarkupInRegistryTextIsShownAsTextAndNeverRuns()
    {
        using var admin = await fixture.SignedInClientAsync("admin", DemoPeople.AdminPassword);
        const string hostile = "<img src=x onerror=\"window.__pwned=1\">Gauge";
        var put = await admin.PutAsJsonAsync("/api/devices/wl-hostile-name", new { kind = "water-level", name = hostile, cellId = "b-hetan-bridge", lat = 28.1988, lon = 112.9688 });
        put.EnsureSuccessStatusCode();

        var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        await page.SignInAsync(DemoPeople.Emergency);
        var plan = page.GetByTestId("site-plan");
        await Assertions.Expect(plan.Locator("g.device title", new() { HasText = "onerror" })).ToHaveCountAsync(1);
        Assert.StartsWith(hostile, await plan.Locator("g.device title", new() { HasText = "onerror" }).TextContentAsync());
        Assert.Equal(0, await page.Locator("main img[src=x]").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("window.__pwned ?? null"));
        await page.Context.CloseAsync();
    }
}
