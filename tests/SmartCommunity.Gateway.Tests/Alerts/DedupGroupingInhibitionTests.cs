using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Tests.Support;

namespace SmartCommunity.Gateway.Tests.Alerts;

/// <summary>Alerts a person can act on: one alert per (source, type), bursts folded, muted alerts kept but quiet.</summary>
public sealed class DedupGroupingInhibitionTests
{
    [Fact]
    public async Task ThousandsOfTriggersOfOneSourceAndTypeFromManyThreadsInTheSameMillisecondMakeOneAlert()
    {
        // The fake clock does not move: every trigger carries the very same millisecond.
        await using var bed = AlertsTestBed.Start(AlertsTestBed.NewClock());
        const int threads = 8;
        const int perThread = 500;
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(_ => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < perThread; i++)
            {
                Assert.True(bed.Alerts.Raise(AlertsTestBed.Trigger("spot-race", "intrusion", AlertLevel.Orange)));
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        await Task.WhenAll(workers);
        await bed.FlushAsync();

        var alert = Assert.Single(bed.Store.List(new(Limit: 1000), null), a => a.Source.Id == "spot-race");
        Assert.Equal(threads * perThread, alert.Count);
        Assert.Single(bed.Notified(alert.Id));
    }

    [Fact]
    public async Task ABurstOfDoorEventsFromOneUnitBecomesOneAlertWithACountAndTheHighestLevelAndEndsWhenQuiet()
    {
        await using var bed = AlertsTestBed.Start(AlertsTestBed.NewClock());
        for (var i = 0; i < 50; i++)
        {
            var type = i == 20 ? "door_forced" : "door_denied";
            bed.Alerts.Raise(AlertsTestBed.Trigger(TestCommunity.DoorUnit, type, i == 20 ? AlertLevel.Orange : AlertLevel.Blue, TestCommunity.BuildingB, "door"));
        }

        await bed.FlushAsync();
        var alert = Assert.Single(bed.OpenFor(TestCommunity.DoorUnit));
        Assert.Equal("door_burst", alert.Type);
        Assert.Equal(50, alert.Count);
        Assert.Equal(AlertLevel.Orange, alert.Level);
        Assert.Equal(["guard-b", "guard-b"], bed.Notified(alert.Id)); // First event, then once more when the burst turned orange.

        // Quiet window (5 min by default) after the last event: the burst is over.
        await bed.AdvanceAsync(TimeSpan.FromMinutes(4));
        bed.Alerts.Raise(AlertsTestBed.Trigger(TestCommunity.DoorUnit, "door_denied", AlertLevel.Blue, TestCommunity.BuildingB, "door"));
        await bed.AdvanceAsync(TimeSpan.FromMinutes(4));
        Assert.Equal(AlertState.Raised, bed.Get(alert.Id).State);
        await bed.AdvanceAsync(TimeSpan.FromMinutes(1));
        var ended = bed.Get(alert.Id);
        Assert.Equal(AlertState.Resolved, ended.State);
        Assert.Equal(51, ended.Count);
        Assert.StartsWith("burst over", ended.ResolutionNote, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AShelterFullAlertMutesItsNinetyFivePercentAlertAndReleasesItWhenItClears()
    {
        await using var bed = AlertsTestBed.Start(AlertsTestBed.NewClock());
        var nearlyFull = await bed.RaiseAsync(AlertsTestBed.Trigger("shelter-1", "shelter_95", AlertLevel.Yellow, kind: "shelter"));
        Assert.Single(bed.Notified(nearlyFull.Id));

        bed.Alerts.Raise(AlertsTestBed.Trigger("shelter-1", "shelter_full", AlertLevel.Orange, kind: "shelter"));
        await bed.FlushAsync();
        var full = bed.OpenFor("shelter-1").Single(a => a.Type == "shelter_full");
        var muted = bed.Get(nearlyFull.Id);
        Assert.Equal(full.Id, muted.InhibitedBy);
        Assert.Null(muted.NextEscalationAt);

        // Muted: no escalation of the 95 % alert however long it stays open.
        await bed.AdvanceAsync(TimeSpan.FromHours(2));
        Assert.Single(bed.Notified(nearlyFull.Id));

        // A new 95 % alert of the same shelter while full is open is muted from the start.
        bed.Alerts.Raise(AlertsTestBed.Trigger("shelter-2", "shelter_full", AlertLevel.Orange, kind: "shelter"));
        bed.Alerts.Raise(AlertsTestBed.Trigger("shelter-2", "shelter_95", AlertLevel.Yellow, kind: "shelter"));
        await bed.FlushAsync();
        var quiet = bed.OpenFor("shelter-2").Single(a => a.Type == "shelter_95");
        Assert.NotNull(quiet.InhibitedBy);
        Assert.Empty(bed.Notified(quiet.Id));

        bed.Alerts.Resolve(new AlertSource("shelter", "shelter-1"), "shelter_full", "occupancy below capacity");
        await bed.FlushAsync();
        var released = bed.Get(nearlyFull.Id);
        Assert.Null(released.InhibitedBy);
        Assert.Equal(2, bed.Notified(nearlyFull.Id).Count);
        Assert.Contains(bed.History(nearlyFull.Id), h => h.Kind == "uninhibited");
    }
}
