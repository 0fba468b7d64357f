using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using SmartCommunity.Gateway.Tests.Support;

namespace SmartCommunity.Gateway.Tests.Api;

/// <summary>
/// Issue 19: login answered in 2–4 ms for an unknown name and 238–302 ms for an existing one, telling which names
/// exist. The times are compared with each other (medians of interleaved tries), never with a fixed duration.
/// </summary>
public sealed class LoginTimingTests : IAsyncLifetime
{
    private const int Tries = 21;
    private GatewayFactory _gateway = null!;

    public Task InitializeAsync()
    {
        _gateway = new GatewayFactory(settings: new Dictionary<string, string?>
        {
            // Enough iterations that hashing, not the test's own noise, dominates a refusal; no lockout during the run.
            ["Auth:PasswordIterations"] = "100000",
            ["Auth:LoginFailuresBeforeLockout"] = "1000",
        }).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task AWrongPasswordTakesAsLongForAnUnknownNameAsForAnExistingOne()
    {
        using var client = _gateway.CreateClient();
        var existing = new List<double>();
        var unknown = new List<double>();
        await TimeAsync(client, "guard-a", "warm-up");
        for (var i = 0; i < Tries; i++)
        {
            existing.Add(await TimeAsync(client, "guard-a", "wrong-" + i));
            unknown.Add(await TimeAsync(client, "nobody-" + i, "wrong-" + i));
        }

        var ratio = Median(unknown) / Median(existing);
        Assert.True(ratio is > 0.5 and < 2, $"unknown {Median(unknown):0.0} ms vs existing {Median(existing):0.0} ms (ratio {ratio:0.00})");
    }

    private static async Task<double> TimeAsync(HttpClient client, string user, string password)
    {
        var watch = Stopwatch.StartNew();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { username = user, password });
        watch.Stop();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
