using SmartCommunity.EdgeAgent.Drivers.Simulation;
using SmartCommunity.Protocol.Messages;
using static SmartCommunity.EdgeAgent.Tests.Drivers.SimulationHarness;

namespace SmartCommunity.EdgeAgent.Tests.Drivers;

public sealed class SimulatorTests
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    [Fact]
    public void AWaterLevelStationFollowsADailyCurveAndEveryReadingDecodes()
    {
        var settings = new WaterLevelSimulatorSettings { Seed = 7, BaseLevelM = 1.2, DailyAmplitudeM = 0.15, BaseFlowM3s = 30 };
        var decoded = PublishAndDecode(Run(new WaterLevelModel(settings, new Random(7), Midnight), Midnight, Day), DeviceKind.WaterLevelStation, Midnight + Day);

        Assert.Equal(8641, decoded.Telemetry.Count);
        Assert.Empty(decoded.Events);
        var levels = decoded.Telemetry.Select(t => t.LevelM!.Value).ToList();
        Assert.InRange(levels.Max() - levels.Min(), 0.25, 0.40);
        Assert.InRange(levels.Average(), 1.15, 1.25);
        Assert.Equal(Enumerable.Range(0, 8641).Select(i => (long)i), decoded.Telemetry.Select(t => t.Seq));
    }

    [Fact]
    public void AScriptedSurgeRaisesTheLevelAndReportsTheThresholdOnce()
    {
        var settings = new WaterLevelSimulatorSettings
        {
            Seed = 1, DailyAmplitudeM = 0, NoiseM = 0.002, SurgeAfterSeconds = 600, SurgeRiseM = 1.5, SurgeRiseMinutes = 20, ThresholdM = 2.0,
        };
        var model = new WaterLevelModel(settings, new Random(1), Midnight);
        var decoded = PublishAndDecode(Run(model, Midnight, TimeSpan.FromHours(1)), DeviceKind.WaterLevelStation, Midnight + TimeSpan.FromHours(1));

        Assert.InRange(decoded.Telemetry[0].LevelM!.Value, 1.19, 1.21);
        Assert.InRange(decoded.Telemetry[^1].LevelM!.Value, 2.69, 2.71);
        var report = Assert.Single(decoded.Events);
        Assert.Equal(EventTypes.ThresholdReport, report.Type);
        Assert.True(report.LevelM >= 2.0);
    }

    [Fact]
    public void ASteadyRiseRateAddsThatManyMetresPerHour()
    {
        var settings = new WaterLevelSimulatorSettings { DailyAmplitudeM = 0, NoiseM = 0, RiseRateMPerH = 0.5 };
        var model = new WaterLevelModel(settings, new Random(1), Midnight);
        Assert.Equal(1.2 + 0.5 * 3, model.TrueLevelAt(Midnight + TimeSpan.FromHours(3)), 6);
    }

    [Fact]
    public void ADoorUnitAtAShelterLetsPeopleInInTheEveningAndOutInTheMorning()
    {
        var settings = new DoorAccessSimulatorSettings { Seed = 3, Door = "shelter-east", ForcedPerDay = 24, HeldPerDay = 24 };
        var decoded = PublishAndDecode(Run(new DoorAccessModel(settings, new Random(3), Midnight), Midnight, Day), DeviceKind.DoorAccess, Midnight + Day);

        var passages = decoded.Events.Where(e => e.Type == EventTypes.Passage).ToList();
        int InHours(string direction, int from, int to) => passages.Count(p =>
            p.Direction == direction && DateTimeOffset.FromUnixTimeMilliseconds(p.Ts).ToOffset(TimeSpan.FromHours(8)).Hour is var h && h >= from && h < to);
        Assert.True(InHours("in", 18, 22) > 3 * InHours("in", 6, 9), "evening arrivals outnumber morning arrivals");
        Assert.True(InHours("out", 6, 9) > 3 * InHours("out", 18, 22), "morning departures outnumber evening departures");
        Assert.Contains(decoded.Events, e => e.Type == EventTypes.AccessDenied);
        Assert.Contains(decoded.Events, e => e.Type == EventTypes.DoorForced);
        Assert.Contains(decoded.Events, e => e.Type == EventTypes.DoorHeld);
        Assert.All(decoded.Events, e => Assert.Equal("shelter-east", e.Door));

        // The counters in telemetry agree with the passages reported.
        Assert.Equal(passages.Count(p => p.Direction == "in"), decoded.Telemetry[^1].InTotal);
        Assert.Equal(passages.Count(p => p.Direction == "out"), decoded.Telemetry[^1].OutTotal);
    }

    [Fact]
    public void ACameraReportsMotionEpisodesZoneIntrusionsAndLineCrossingsWithDirection()
    {
        var settings = new CameraSimulatorSettings { Seed = 5, MotionPerHour = 6, Zones = ["riverbank"], Lines = ["footbridge"] };
        var decoded = PublishAndDecode(Run(new CameraModel(settings, new Random(5), Midnight), Midnight, Day), DeviceKind.Camera, Midnight + Day);

        int Count(string type) => decoded.Events.Count(e => e.Type == type);
        Assert.InRange(Count(EventTypes.MotionStart), 50, 250);
        Assert.InRange(Count(EventTypes.MotionStart) - Count(EventTypes.MotionEnd), 0, 1);
        Assert.True(Count(EventTypes.ZoneEnter) > 0);
        Assert.InRange(Count(EventTypes.ZoneEnter) - Count(EventTypes.ZoneLeave), 0, 1);
        var crossings = decoded.Events.Where(e => e.Type == EventTypes.LineCross).ToList();
        Assert.Contains(crossings, c => c.Direction == "in");
        Assert.Contains(crossings, c => c.Direction == "out");
        Assert.All(crossings, c => Assert.Equal("footbridge", c.Line));
        Assert.All(decoded.Telemetry, t => Assert.InRange(t.Fps!.Value, 20, 30));
    }

    [Fact]
    public void TheSameSeedAndStartGiveTheSameMessages()
    {
        Assert.Equal(Snapshot(9), Snapshot(9));
        Assert.NotEqual(Snapshot(9), Snapshot(10));
    }

    /// <summary>Six hours of every periodic simulator as text (records print all their fields).</summary>
    private static string Snapshot(int seed)
    {
        var camera = Run(new CameraModel(new CameraSimulatorSettings { Seed = seed }, new Random(seed), Midnight), Midnight, TimeSpan.FromHours(6));
        var door = Run(new DoorAccessModel(new DoorAccessSimulatorSettings { Seed = seed }, new Random(seed), Midnight), Midnight, TimeSpan.FromHours(6));
        var level = Run(new WaterLevelModel(new WaterLevelSimulatorSettings { Seed = seed }, new Random(seed), Midnight), Midnight, TimeSpan.FromHours(6));
        return string.Join('\n', camera.Concat(door).Concat(level).Select(m => (object?)m.Telemetry ?? m.Event));
    }
}
