using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Broker;
using SmartCommunity.Gateway.Cluster;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gateway.Tests.Support;

namespace SmartCommunity.Gateway.Tests.Cluster;

/// <summary>
/// The shared de-duplication table's rules, on the suite's database (SQLite, and PostgreSQL in its run): two nodes
/// claim on one database; the first claim of an identity wins, repeats within one batch are repeats, and a replay
/// after a crash handles again only what the replaying node itself claimed.
/// </summary>
public sealed class SequenceClaimsTests
{
    [Fact]
    public async Task TheFirstClaimWinsAndAReplayTakesBackOnlyItsOwn()
    {
        await using var gateway = new GatewayFactory().Start();
        var database = gateway.Get<Database>();
        var a = Claims(database, "node-a");
        var b = Claims(database, "node-b");

        var first = new bool[3];
        await a.ClaimAsync([Key(1), Key(1), Key(2)], first, CancellationToken.None);
        Assert.Equal([true, false, true], first);

        // Another node: what node-a claimed is a repeat there, live or replayed; a new number is new.
        var other = new bool[3];
        await b.ClaimAsync([Key(1), Key(2, replayed: true), Key(3)], other, CancellationToken.None);
        Assert.Equal([false, false, true], other);

        // node-a replays its journal after a crash: its own claims are handled again, node-b's are not; live, they are repeats.
        var replay = new bool[3];
        await a.ClaimAsync([Key(1, replayed: true), Key(3, replayed: true), Key(2)], replay, CancellationToken.None);
        Assert.Equal([true, false, false], replay);

        // Another boot of the device is another identity.
        var reboot = new bool[1];
        await b.ClaimAsync([new SequenceKey("claims-device", 2, 1, false)], reboot, CancellationToken.None);
        Assert.True(reboot[0]);
    }

    private static SequenceKey Key(long seq, bool replayed = false) => new("claims-device", 1, seq, replayed);

    private static ClusterSequenceClaims Claims(Database database, string node)
    {
        var metrics = new MetricsRegistry();
        var leases = new ClusterLeases(database, TimeProvider.System, Options.Create(new ClusterOptions { Mode = ClusterMode.On, NodeId = node }),
            Options.Create(new DatabaseOptions()), Options.Create(new BrokerOptions()), metrics, NullLogger<ClusterLeases>.Instance);
        return new ClusterSequenceClaims(database, leases, TimeProvider.System, metrics, NullLogger<ClusterSequenceClaims>.Instance);
    }
}
