using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Tests.Alerts;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Cluster;

/// <summary>
/// Two gateways on one PostgreSQL in cluster mode: a dashboard on B sees an alert A raised (LISTEN/NOTIFY), and B's
/// engine knows it, so the condition clearing on B resolves it.
/// </summary>
[Trait("Category", "Database")]
public sealed class LiveAcrossGatewaysTests
{
    [Fact]
    public async Task ADashboardOnOneGatewaySeesAnAlertRaisedOnAnotherAndTheOtherCanClearIt()
    {
        var database = await ClusterDatabase.NewAsync();
        database["Cluster:Mode"] = "On";
        await using var a = AlertsTestBed.Start(settings: new(database) { ["Cluster:NodeId"] = "node-a" });
        await using var b = AlertsTestBed.Start(settings: new(database) { ["Cluster:NodeId"] = "node-b" });
        using var guard = await b.Gateway.LoginAsync("guard-a");
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        using var live = await LiveEvents.OpenAsync(guard, "/api/live?topic=alert", timeout.Token);

        var trigger = AlertsTestBed.Trigger("spot-across", "intrusion", AlertLevel.Red, TestCommunity.BuildingA);
        var raised = await a.RaiseAsync(trigger);
        var liveEvent = await live.NextAsync(timeout.Token);
        Assert.Equal("raised", liveEvent.GetProperty("change").GetString());
        Assert.Equal(raised.Id, liveEvent.GetProperty("alert").GetProperty("id").GetString());

        Assert.True(b.Alerts.Resolve(trigger.Source, trigger.Type, "water level back to normal"));
        await b.FlushAsync();
        Assert.Equal(AlertState.Resolved, b.Get(raised.Id).State);
        Assert.Single(b.History(raised.Id), h => h.Kind == "resolved");
    }
}
