using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Cluster;
using SmartCommunity.Gateway.Tests.Alerts;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Cluster;

/// <summary>
/// Two gateways on one PostgreSQL in cluster mode: only the holder of the timers lease escalates, whichever gateway
/// raised the alert; when it stops, the other takes the lease and fires the step that fell due in between, once.
/// The alerts engines share one fake clock; the leases run on real time (short TTL).
/// </summary>
[Trait("Category", "Database")]
public sealed class TimersLeaseTests
{
    private static Dictionary<string, string?> Node(Dictionary<string, string?> database, string node) => new(database)
    {
        ["Cluster:Mode"] = "On",
        ["Cluster:NodeId"] = node,
        ["Cluster:LeaseTtl"] = "00:00:03",
        ["Cluster:LeaseRenewInterval"] = "00:00:01",
    };

    [Fact]
    public async Task OnlyTheLeaseHolderEscalatesAndATakeoverFiresTheStepThatFellDueOnce()
    {
        var database = await ClusterDatabase.NewAsync();
        var clock = AlertsTestBed.NewClock();
        var a = AlertsTestBed.Start(clock, Node(database, "node-a"));
        var b = AlertsTestBed.Start(clock, Node(database, "node-b"));
        try
        {
            await RunAsync(a, b, clock);
        }
        finally
        {
            await Task.WhenAll(a.DisposeAsync().AsTask(), b.DisposeAsync().AsTask());
        }
    }

    private static async Task RunAsync(AlertsTestBed a, AlertsTestBed b, Microsoft.Extensions.Time.Testing.FakeTimeProvider clock)
    {
        var leasesA = a.Gateway.Get<ClusterLeases>();
        var leasesB = b.Gateway.Get<ClusterLeases>();
        await Eventually.TrueAsync(() => leasesA.Holds(ClusterLeases.Timers) || leasesB.Holds(ClusterLeases.Timers));
        Assert.False(leasesA.Holds(ClusterLeases.Timers) && leasesB.Holds(ClusterLeases.Timers));
        var (holder, other) = leasesA.Holds(ClusterLeases.Timers) ? (a, b) : (b, a);

        // Raised on the gateway without the lease: the holder finds it due in the database and escalates it once.
        var alert = await other.RaiseAsync(AlertsTestBed.Trigger("lease-spot", "water_intrusion", AlertLevel.Red));
        clock.Advance(TimeSpan.FromMinutes(2));
        await Eventually.TrueAsync(async () =>
        {
            await Task.WhenAll(holder.FlushAsync(), other.FlushAsync());
            clock.Advance(TimeSpan.FromMilliseconds(1)); // the engines' poll runs on the fake clock
            return other.History(alert.Id).Count(h => h.Kind == "escalated") == 1;
        });
        await Task.WhenAll(holder.FlushAsync(), other.FlushAsync());
        Assert.Single(other.History(alert.Id), h => h.Kind == "escalated");

        // The holder's lease loop stops (it hands the lease back); the next step falls due before or while the other
        // takes over, and fires once.
        await holder.Gateway.Get<ClusterLeases>().StopAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(2));
        var survivor = other.Gateway.Get<ClusterLeases>();
        await Eventually.TrueAsync(() => survivor.Holds(ClusterLeases.Timers));
        await Eventually.TrueAsync(async () =>
        {
            await other.FlushAsync();
            clock.Advance(TimeSpan.FromMilliseconds(1)); // the engine's poll runs on the fake clock
            return other.History(alert.Id).Count(h => h.Kind == "escalated") >= 2;
        });
        await other.FlushAsync();
        Assert.Equal(2, other.History(alert.Id).Count(h => h.Kind == "escalated"));
    }
}
