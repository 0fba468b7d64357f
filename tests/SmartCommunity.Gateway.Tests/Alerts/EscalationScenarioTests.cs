using System.Net;
using System.Net.Http.Json;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Tests.Support;

namespace SmartCommunity.Gateway.Tests.Alerts;

/// <summary>The whole life of an alert on a fake clock: raise, notify, escalate, acknowledge, resolve; and across a restart.</summary>
public sealed class EscalationScenarioTests
{
    [Fact]
    public async Task AnUnacknowledgedRedAlertClimbsTheDutyChainUntilSomeoneAcknowledgesAndThenResolvesWhenTheConditionClears()
    {
        await using var bed = AlertsTestBed.Start(AlertsTestBed.NewClock());

        var alert = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-1", "intrusion", AlertLevel.Red));
        Assert.Equal(["guard-a"], bed.Notified(alert.Id));
        Assert.Equal(AlertState.Raised, alert.State);

        // Red: two minutes to acknowledge. One second short of that, nothing moves.
        await bed.AdvanceAsync(TimeSpan.FromSeconds(119));
        Assert.Equal(["guard-a"], bed.Notified(alert.Id));

        await bed.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(["guard-a", AlertsTestBed.Chief], bed.Notified(alert.Id));

        await bed.AdvanceAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(["guard-a", AlertsTestBed.Chief, AlertsTestBed.CommunityPerson], bed.Notified(alert.Id));

        // The staff tier holds only the emergency and public-security roles, not the water authority.
        await bed.AdvanceAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(["guard-a", AlertsTestBed.Chief, AlertsTestBed.CommunityPerson, "em", "ps"], bed.Notified(alert.Id));
        Assert.Equal(3, bed.History(alert.Id).Count(h => h.Kind == "escalated"));

        using var guard = await bed.Gateway.LoginAsync("guard-a");
        var ack = await guard.PostAsJsonAsync($"/api/alerts/{alert.Id}/ack", new { note = "on my way" });
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal("guard-a", bed.Get(alert.Id).AcknowledgedBy);
        Assert.Equal(bed.Clock!.GetUtcNow(), bed.Get(alert.Id).AcknowledgedAt);

        // Acknowledged: an hour passes and nobody else is woken.
        await bed.AdvanceAsync(TimeSpan.FromHours(1));
        Assert.Equal(5, bed.Notified(alert.Id).Count);
        Assert.Null(bed.Get(alert.Id).NextEscalationAt);

        Assert.True(bed.Alerts.Resolve(new AlertSource("spot", "spot-1"), "intrusion", "nobody in the zone any more"));
        await bed.FlushAsync();
        var resolved = bed.Get(alert.Id);
        Assert.Equal(AlertState.Resolved, resolved.State);
        Assert.Null(resolved.ResolvedBy);
        Assert.Equal("nobody in the zone any more", resolved.ResolutionNote);
        Assert.Equal(["raised", "notified", "escalated", "notified", "escalated", "notified", "escalated", "notified", "notified", "acknowledged", "resolved",
            "informed", "informed", "informed", "informed", "informed"],
            bed.History(alert.Id).Where(h => h.Kind != "delivery").Select(h => h.Kind));
    }

    [Fact]
    public async Task AtTheTopOfTheChainTheStaffAreNotifiedAgainEveryPeriodUntilAcknowledged()
    {
        await using var bed = AlertsTestBed.Start(AlertsTestBed.NewClock());
        var alert = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-2", "intrusion", AlertLevel.Red));

        for (var i = 0; i < 5; i++)
        {
            await bed.AdvanceAsync(TimeSpan.FromMinutes(2));
        }

        Assert.Equal(["guard-a", AlertsTestBed.Chief, AlertsTestBed.CommunityPerson, "em", "ps", "em", "ps", "em", "ps"], bed.Notified(alert.Id));
    }

    [Fact]
    public async Task EscalationTimersResumeAfterARestartAndFireWhatFellDueWhileTheGatewayWasDown()
    {
        var clock = AlertsTestBed.NewClock();
        var first = AlertsTestBed.Start(clock);
        var alert = await first.RaiseAsync(AlertsTestBed.Trigger("spot-3", "intrusion", AlertLevel.Orange));
        await first.AdvanceAsync(TimeSpan.FromMinutes(5)); // Orange: five minutes, then the chief.
        Assert.Equal(["guard-a", AlertsTestBed.Chief], first.Notified(alert.Id));
        await first.DisposeAsync();

        // Restart one minute later: the next step is due four minutes after that, not at once and not never.
        var later = AlertsTestBed.NewClock();
        later.SetUtcNow(clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        await using (var second = AlertsTestBed.Start(later, reopenOf: first.Gateway))
        {
            await second.FlushAsync();
            Assert.Equal(2, second.Notified(alert.Id).Count);
            await second.AdvanceAsync(TimeSpan.FromMinutes(4));
            Assert.Equal(["guard-a", AlertsTestBed.Chief, AlertsTestBed.CommunityPerson], second.Notified(alert.Id));
        }

        // Down for an hour: what fell due fires right after start (one step, not one per missed period).
        var muchLater = AlertsTestBed.NewClock();
        muchLater.SetUtcNow(later.GetUtcNow() + TimeSpan.FromHours(1));
        await using var third = AlertsTestBed.Start(muchLater, reopenOf: first.Gateway);
        await third.FlushAsync();
        Assert.Equal(["guard-a", AlertsTestBed.Chief, AlertsTestBed.CommunityPerson, "em", "ps"], third.Notified(alert.Id));
        Assert.Equal(AlertState.Raised, third.Get(alert.Id).State);
    }

    [Fact]
    public async Task ARaisedLevelNotifiesAgainAndALoweredLevelDoesNot()
    {
        await using var bed = AlertsTestBed.Start(AlertsTestBed.NewClock());
        var alert = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-4", "water_level", AlertLevel.Yellow));
        Assert.Single(bed.Notified(alert.Id));

        await bed.RaiseAsync(AlertsTestBed.Trigger("spot-4", "water_level", AlertLevel.Red));
        Assert.Equal(2, bed.Notified(alert.Id).Count);
        Assert.Equal(AlertLevel.Red, bed.Get(alert.Id).Level);
        // The ack clock restarts with red's two minutes rather than yellow's fifteen.
        Assert.Equal(bed.Clock!.GetUtcNow() + TimeSpan.FromMinutes(2), bed.Get(alert.Id).NextEscalationAt);

        var lowered = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-4", "water_level", AlertLevel.Blue));
        Assert.Equal(2, bed.Notified(alert.Id).Count);
        Assert.Equal(AlertLevel.Blue, lowered.Level);
        Assert.Equal(3, lowered.Count);
        Assert.Contains(bed.History(alert.Id), h => h.Kind == "level_lowered");
    }

    [Fact]
    public async Task ACancelledWarningIsMarkedCancelledAndARaiseAfterwardsOpensANewAlert()
    {
        await using var bed = AlertsTestBed.Start(AlertsTestBed.NewClock());
        var alert = await bed.RaiseAsync(AlertsTestBed.Trigger("notice-7", "discharge", AlertLevel.Orange, kind: "discharge"));

        Assert.True(bed.Alerts.Cancel(new AlertSource("discharge", "notice-7"), "discharge", "notice withdrawn by the water authority"));
        await bed.FlushAsync();
        Assert.Equal(AlertState.Cancelled, bed.Get(alert.Id).State);
        Assert.Empty(bed.OpenFor("notice-7"));

        var again = await bed.RaiseAsync(AlertsTestBed.Trigger("notice-7", "discharge", AlertLevel.Orange, kind: "discharge"));
        Assert.NotEqual(alert.Id, again.Id);
    }
}
