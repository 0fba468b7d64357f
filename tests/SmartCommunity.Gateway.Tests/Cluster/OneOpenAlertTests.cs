using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Tests.Alerts;

namespace SmartCommunity.Gateway.Tests.Cluster;

/// <summary>
/// Two gateways on one PostgreSQL raise the same alerts at the same moment: the database's partial unique index,
/// not either engine's memory, decides which one is new, so each (source, type) has one open alert, raised once
/// and routed once.
/// </summary>
[Trait("Category", "Database")]
public sealed class OneOpenAlertTests
{
    [Fact]
    public async Task TheSameAlertRaisedOnTwoGatewaysAtOnceIsOneOpenAlertRoutedOnce()
    {
        var database = await ClusterDatabase.NewAsync();
        await using var a = AlertsTestBed.Start(settings: database);
        await using var b = AlertsTestBed.Start(settings: database);
        const int sources = 30;
        var triggers = Enumerable.Range(0, sources).Select(i => AlertsTestBed.Trigger($"cluster-spot-{i}", "water_intrusion", AlertLevel.Orange)).ToList();

        // Both gateways get every trigger at once, as two nodes behind a shared subscription might.
        await Task.WhenAll(
            Task.Run(() => triggers.ForEach(t => Assert.True(a.Alerts.Raise(t)))),
            Task.Run(() => triggers.ForEach(t => Assert.True(b.Alerts.Raise(t)))));
        await Task.WhenAll(a.FlushAsync(), b.FlushAsync());

        foreach (var trigger in triggers)
        {
            var open = a.OpenFor(trigger.Source.Id);
            var alert = Assert.Single(open);
            var history = a.History(alert.Id);
            Assert.Single(history, h => h.Kind == "raised");
            // The first tier of building A is one guard: told once, by the gateway that raised it.
            Assert.Single(history, h => h.Kind == "notified");
        }

        Assert.Equal(sources, a.Gateway.Get<SmartCommunity.Gateway.Alerts.Engine.AlertMetrics>().Raised.Value
            + b.Gateway.Get<SmartCommunity.Gateway.Alerts.Engine.AlertMetrics>().Raised.Value);
    }
}
