using System.Net;
using System.Net.Http.Json;
using SmartCommunity.Gateway.Tests.Support;

namespace SmartCommunity.Gateway.Tests.Api;

public sealed class AuthApiTests : IAsyncLifetime
{
    private GatewayFactory _gateway = null!;

    public Task InitializeAsync()
    {
        _gateway = new GatewayFactory().Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task APersonLogsInSeesThemselvesAndLogsOut()
    {
        using var client = await _gateway.LoginAsync("guard-a");

        var me = await client.GetFromJsonAsync<Dictionary<string, object>>("/api/auth/me");
        Assert.Equal("guard-a", me!["id"].ToString());
        Assert.Equal("guard", me["role"].ToString());

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/auth/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task TheLoginCookieAuthenticatesTheBrowserAndIsHttpOnly()
    {
        using var client = _gateway.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        var response = await client.PostAsJsonAsync("/api/auth/login", new { username = "em", password = TestCommunity.Password });

        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("sc_session=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase) && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);
    }

    [Theory]
    [InlineData("guard-a", "wrong-password")]
    [InlineData("nobody", "test-password-1")]
    [InlineData("level-1", "secret-of-device-level-1")]
    public async Task WrongCredentialsAndDevicesCannotLogIn(string user, string password)
    {
        using var client = _gateway.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { username = user, password });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"username\":")]
    [InlineData("[]")]
    [InlineData("{\"username\":null,\"password\":null}")]
    [InlineData("{\"username\":\"" + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" + "\",\"password\":\"x\"}")]
    public async Task MalformedLoginBodiesGetABadRequestNotACrash(string body)
    {
        using var client = _gateway.CreateClient();
        var response = await client.PostAsync("/api/auth/login", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task FiveWrongPasswordsFromOneAddressLockThatAddressOutOfTheAccountForAMinute()
    {
        using var client = _gateway.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            await client.PostAsJsonAsync("/api/auth/login", new { username = "wa", password = "guess-" + i });
        }

        var response = await client.PostAsJsonAsync("/api/auth/login", new { username = "wa", password = TestCommunity.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AForgedOrExpiredTokenIsRefused()
    {
        using var client = _gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "forged-token-forged-token-forged-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/devices")).StatusCode);
    }

    [Fact]
    public async Task ChangingOnesOwnPasswordNeedsTheCurrentOneAndEndsOtherSessions()
    {
        using var first = await _gateway.LoginAsync("guard-b");
        using var second = await _gateway.LoginAsync("guard-b");

        var wrong = await first.PostAsJsonAsync("/api/people/guard-b/password", new { currentPassword = "nope", newPassword = "a-new-password-2" });
        var tooShort = await first.PostAsJsonAsync("/api/people/guard-b/password", new { currentPassword = TestCommunity.Password, newPassword = "short" });
        var ok = await first.PostAsJsonAsync("/api/people/guard-b/password", new { currentPassword = TestCommunity.Password, newPassword = "a-new-password-2" });

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/auth/me")).StatusCode);
        using var again = await _gateway.LoginAsync("guard-b", "a-new-password-2");
    }
}
