using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Alerts.Engine;

namespace SmartCommunity.Gateway.Tests.Alerts;

/// <summary>Grace period and flap suppression of device_offline, with the default settings an operator gets.</summary>
public sealed class DeviceHealthTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AShortOutageAndItsLastWillAMomentLaterRaiseNothing()
    {
        var tracker = new DeviceHealthTracker(new DeviceHealthOptions());
        tracker.Offline("d1", "disconnected", T0);
        tracker.Offline("d1", "status offline", T0.AddMilliseconds(9));
        Assert.Empty(tracker.Due(T0.AddSeconds(30)));

        tracker.Online("d1", T0.AddSeconds(40));
        Assert.DoesNotContain(tracker.Due(T0.AddMinutes(3)), d => d.Action != DeviceHealthAction.Resolve);
    }

    [Fact]
    public void AnOutageLongerThanTheGraceRaisesOnceAndResolvesOnlyAfterTheDeviceStaysOnline()
    {
        var tracker = new DeviceHealthTracker(new DeviceHealthOptions());
        tracker.Offline("d1", "disconnected", T0);
        Assert.Empty(tracker.Due(T0.AddMinutes(2).AddSeconds(-1)));
        var raised = Assert.Single(tracker.Due(T0.AddMinutes(2)));
        Assert.Equal((DeviceHealthAction.RaiseOffline, "disconnected"), (raised.Action, raised.Cause));
        Assert.Empty(tracker.Due(T0.AddMinutes(10)));

        tracker.Online("d1", T0.AddMinutes(11));
        tracker.Offline("d1", "disconnected", T0.AddMinutes(12)); // Back, and gone again within the hold.
        tracker.Online("d1", T0.AddMinutes(12).AddSeconds(5));
        Assert.Empty(tracker.Due(T0.AddMinutes(16)));
        Assert.Equal(DeviceHealthAction.Resolve, Assert.Single(tracker.Due(T0.AddMinutes(17).AddSeconds(5))).Action);
        Assert.Empty(tracker.Due(T0.AddMinutes(30)));
    }

    [Fact]
    public void ADeviceThatKeepsDroppingForMomentsIsRaisedOnceAsFlapping()
    {
        var tracker = new DeviceHealthTracker(new DeviceHealthOptions());
        var decisions = new List<DeviceHealthDecision>();
        for (var i = 0; i < 6; i++)
        {
            var at = T0.AddMinutes(i * 3);
            tracker.Offline("d1", "disconnected", at);
            decisions.AddRange(tracker.Due(at.AddSeconds(1)));
            tracker.Online("d1", at.AddSeconds(10));
            decisions.AddRange(tracker.Due(at.AddSeconds(11)));
        }

        var flapping = Assert.Single(decisions);
        Assert.Equal((DeviceHealthAction.RaiseFlapping, 4), (flapping.Action, flapping.Outages));
    }

    [Fact]
    public void OutagesOlderThanTheFlapWindowAreNotCounted()
    {
        var tracker = new DeviceHealthTracker(new DeviceHealthOptions { FlapThreshold = 3, FlapWindow = TimeSpan.FromMinutes(10) });
        var decisions = new List<DeviceHealthDecision>();
        for (var i = 0; i < 5; i++)
        {
            var at = T0.AddMinutes(i * 6);
            tracker.Offline("d1", "disconnected", at);
            tracker.Online("d1", at.AddSeconds(5));
            decisions.AddRange(tracker.Due(at.AddSeconds(6)));
        }

        Assert.DoesNotContain(decisions, d => d.Action == DeviceHealthAction.RaiseFlapping);
    }
}
