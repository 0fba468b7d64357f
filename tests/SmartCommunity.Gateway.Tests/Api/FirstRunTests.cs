using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using SmartCommunity.Gateway.Tests.Support;

namespace SmartCommunity.Gateway.Tests.Api;

public sealed class FirstRunTests
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task WithoutAConfiguredPasswordTheFirstAdminsPasswordGoesToAFileOnlyTheOwnerReadsAndNeverToTheLog()
    {
        var logs = new List<string>();
        await using var gateway = new GatewayFactory(settings: new() { ["Auth:InitialAdminPassword"] = null },
            services: s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(new ListLoggerProvider(logs)));
        gateway.Start();

        var file = Path.Combine(gateway.DataDirectory, "initial-admin-password.txt");
        var password = (await File.ReadAllTextAsync(file)).Trim();
        Assert.True(password.Length >= 24);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        List<string> snapshot;
        lock (logs)
        {
            snapshot = [.. logs];
        }

        Assert.DoesNotContain(snapshot, l => l.Contains(password, StringComparison.Ordinal));
        Assert.Contains(snapshot, l => l.Contains(file, StringComparison.Ordinal));

        using var client = gateway.CreateClient();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { username = "admin", password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }
}
