using Microsoft.Playwright;

namespace SmartCommunity.Dashboard.Tests.Support;

/// <summary>What a person does on the dashboard, in the words of the page (labels, roles, test IDs).</summary>
public static class Pages
{
    /// <summary>Opens the dashboard, signs in through the form, and waits for the live stream to connect.</summary>
    public static async Task SignInAsync(this IPage page, string username, string password = DemoPeople.Password)
    {
        await page.GotoAsync("/");
        await page.GetByLabel("账号").FillAsync(username);
        await page.GetByLabel("密码").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("connection")).ToHaveAttributeAsync("data-state", "live");
    }

    /// <summary>Saves a full-page screenshot as a test artefact (<see cref="RepoPaths.Screenshots"/>).</summary>
    public static async Task<string> SaveScreenshotAsync(this IPage page, string name)
    {
        var path = Path.Combine(RepoPaths.Screenshots, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}
