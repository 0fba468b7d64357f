using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Operations;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Operations;

/// <summary>Issue 19: a background service that faults shows in /health by name, and is restarted where safe.</summary>
public sealed class ServiceHealthTests
{
    [Fact]
    public async Task AFaultedServiceMakesHealthUnhealthyWithItsNameWhileTheGatewayStaysUp()
    {
        var faulty = new FaultOnDemandService();
        await using var gateway = new GatewayFactory(services: s => s.AddSingleton<IHostedService>(faulty)).Start();
        using var http = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);

        faulty.Fault.SetResult();

        await Eventually.TrueAsync(async () => (await http.GetAsync("/health")).StatusCode == HttpStatusCode.ServiceUnavailable);
        using var response = await http.GetAsync("/health");
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("unhealthy", health.RootElement.GetProperty("status").GetString());
        var service = Assert.Single(health.RootElement.GetProperty("services").EnumerateArray());
        Assert.Equal(nameof(FaultOnDemandService), service.GetProperty("name").GetString());
        Assert.Equal("faulted", service.GetProperty("state").GetString());
        Assert.Contains("disk on fire", service.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("alive", await http.GetStringAsync("/alive"));
        Assert.Contains("sc_service_up{service=\"FaultOnDemandService\"} 0", gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARestartableServiceThatFaultsIsStartedAgainAndHealthRecovers()
    {
        var flaky = new FaultsOnceService();
        await using var gateway = new GatewayFactory(services: s => s.AddSingleton<IHostedService>(flaky)).Start();
        using var http = gateway.CreateClient();

        flaky.Fault.SetResult();

        await Eventually.TrueAsync(() => flaky.Runs == 2, TimeSpan.FromSeconds(30), "the supervisor starts the service again");
        await Eventually.TrueAsync(async () => (await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK);
        Assert.Contains("sc_service_restarts_total{service=\"FaultsOnceService\"} 1", gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryServiceOfAPlainSingleGatewayCountsAsUpOnceTheSupervisorHasLooked()
    {
        // A service that returns at once because its feature is off (cluster mode in one gateway) is not a failure:
        // it once made /health answer 503 for ever, and every test that waits for a healthy gateway process hung.
        await using var gateway = new GatewayFactory().Start();
        using var http = gateway.CreateClient();
        var bridge = gateway.Get<SmartCommunity.Metrics.PrometheusBridge>();
        await Eventually.TrueAsync(() => bridge.Render().Contains("sc_service_up{service=\"ClusterLeases\"}", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the supervisor publishes sc_service_up");
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // one more supervisor round (1 s): a finished loop would show now

        var down = bridge.Render().Split('\n').Where(l => l.StartsWith("sc_service_up{", StringComparison.Ordinal) && l.EndsWith(" 0", StringComparison.Ordinal)).ToList();
        Assert.True(down.Count == 0, "services down: " + string.Join(", ", down));
        using var response = await http.GetAsync("/health");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private sealed class FaultOnDemandService : BackgroundService
    {
        public TaskCompletionSource Fault { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Fault.Task.WaitAsync(stoppingToken);
            throw new InvalidOperationException("disk on fire");
        }
    }

    private sealed class FaultsOnceService : BackgroundService, IRestartableService
    {
        private int _runs;

        public TaskCompletionSource Fault { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Runs => Volatile.Read(ref _runs);

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            if (Interlocked.Increment(ref _runs) == 1)
            {
                await Fault.Task.WaitAsync(stoppingToken);
                throw new InvalidOperationException("first run fails");
            }

            await Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
