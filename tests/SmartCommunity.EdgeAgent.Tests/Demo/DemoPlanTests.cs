using SmartCommunity.EdgeAgent.Demo;
using SmartCommunity.EdgeAgent.Drivers.Simulation;
using SmartCommunity.EdgeAgent.Tests.Drivers;
using SmartCommunity.EdgeAgent.Tests.Support;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.EdgeAgent.Tests.Demo;

/// <summary>The demo scenario (deploy/demo-scenario.json) planned against the demo seed (deploy/demo-community).</summary>
public sealed class DemoPlanTests : IDisposable
{
    private static readonly DateTimeOffset Origin = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private readonly string _data = Directory.CreateTempSubdirectory("sc-demo-plan-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public void TheSimulatedDevicesTakeTheirNumbersFromTheSeed()
    {
        var plan = DemoPlan.Create(Options(), Origin);
        var devices = Devices(plan);

        // The beach's curve: from 0.35 m below normal (31.2) to 0.25 m above danger (32.3), the seed's thresholds.
        var beach = devices["wl-hetan-beach"];
        Assert.Equal("demo-secret-wl-hetan-beach", beach["Secret"]);
        Assert.Equal(31.2 - 0.35, double.Parse(beach["Settings:Curve:StartM"]!, System.Globalization.CultureInfo.InvariantCulture), 6);
        Assert.Equal(32.3 + 0.25, double.Parse(beach["Settings:Curve:PeakM"]!, System.Globalization.CultureInfo.InvariantCulture), 6);
        // The gym: 1 200 m² at 1.5 m² a person, all of them come through the east gate in the drill.
        Assert.Equal("800", devices["43010200011340000001"]["Settings:Drill:People"]);
        Assert.Equal("east-gate", devices["43010200011340000001"]["Settings:Door"]);
        Assert.Equal("205", devices["43010200011340000002"]["Settings:ForcedAt:0"]);
        // Every spot's loudspeakers, sirens and signs answer commands; the try-it devices stay free for the docs.
        Assert.Contains("43010200011370000001", devices.Keys);
        Assert.Contains("43010200011370000002", devices.Keys);
        Assert.DoesNotContain("wl-try-01", devices.Keys);
        // Every seed camera gets a clip; the walkers are on the cameras the scenario names.
        Assert.Equal(3, plan.Cameras.Count);
        Assert.Single(plan.Cameras.Single(c => c.Id == "43010200011320000001").Scripts.OfType<DemoClips.ZoneWalk>());
        Assert.Equal(6, plan.Cameras.Single(c => c.Id == "43010200011320000003").Scripts.Count);
    }

    [Fact]
    public void TheGatewaysSeedIsTheSeedWithTheCamerasPointedAtTheAgentsStreams()
    {
        var plan = DemoPlan.Create(Options(streamPort: 18554), Origin);
        plan.WriteSeed();

        var cameras = File.ReadAllText(Path.Combine(_data, "seed", "20-cameras.json"));
        Assert.Contains("http://127.0.0.1:18554/43010200011320000001.ts", cameras, StringComparison.Ordinal);
        Assert.Contains("beach-waterline", cameras, StringComparison.Ordinal);
        Assert.Equal(
            Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "deploy", "demo-community"), "*.json").Select(Path.GetFileName).Order(),
            Directory.GetFiles(Path.Combine(_data, "seed"), "*.json").Select(Path.GetFileName).Order());
    }

    [Fact]
    public void AScenarioNamingWhatTheSeedLacksStopsTheAgentWithThatName()
    {
        var scenario = Path.Combine(_data, "bad-scenario.json");
        File.WriteAllText(scenario, """{"levels": [{"spot": "spot-nowhere", "peakAboveDangerM": 0.2, "riseSeconds": 10, "fallAt": 20, "fallSeconds": 10}]}""");

        var error = Assert.Throws<InvalidDataException>(() => DemoPlan.Create(Options(scenario: scenario), Origin));
        Assert.Contains("spot-nowhere", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCalmIsNeverSpedUpAndTheActivePartIs()
    {
        var cycle = new DemoCycle(Origin, calmSeconds: 60, activeSeconds: 240, speed: 4);

        Assert.Equal(TimeSpan.FromSeconds(120), cycle.Length);
        Assert.True(cycle.ScenarioSeconds(Origin + TimeSpan.FromSeconds(59)) < 0);
        Assert.Equal(40, cycle.ScenarioSeconds(Origin + TimeSpan.FromSeconds(70)), 6);
        Assert.Equal(Origin + TimeSpan.FromSeconds(120 + 62.5), cycle.Next(10, Origin + TimeSpan.FromSeconds(63)));
    }

    [Fact]
    public void ADrillFillsTheShelterToItsPeopleEmptiesItAndForcesTheDoorOnceACycle()
    {
        var settings = new DoorAccessSimulatorSettings
        {
            Seed = 3,
            Door = "east-gate",
            Cycle = new CycleSettings { OriginUnixMs = Origin.ToUnixTimeMilliseconds(), CalmSeconds = 60, ActiveSeconds = 240, Speed = 4 },
            Drill = new ShelterDrillSettings { People = 800, FillFrom = 20, FillUntil = 110, EmptyFrom = 150, EmptyUntil = 225 },
            ForcedAt = [205],
        };
        settings.Check();
        var model = new DoorAccessModel(settings, new Random(3), Origin);

        // Two whole cycles of two minutes each.
        var events = SimulationHarness.Run(model, Origin, TimeSpan.FromMinutes(4) - TimeSpan.FromSeconds(1)).Select(m => m.Event).OfType<EventMessage>().ToList();
        var passages = events.Where(e => e.Type == EventTypes.Passage).ToList();
        Assert.Equal(1600, passages.Where(e => e.Direction == EventTypes.DirectionIn).Sum(e => e.Count));
        Assert.Equal(1600, passages.Where(e => e.Direction == EventTypes.DirectionOut).Sum(e => e.Count));
        Assert.Equal(2, events.Count(e => e.Type == EventTypes.DoorForced));
        // Nothing in the calm minute of a cycle.
        Assert.DoesNotContain(events, e => e.Ts < (Origin + TimeSpan.FromSeconds(60)).ToUnixTimeMilliseconds());
    }

    [Fact]
    public void TheLevelCurveRisesFallsAndHoldsItsPeakInBetween()
    {
        var curve = new LevelCurveSettings { StartM = 30.85, PeakM = 32.55, RiseAt = 0, RiseSeconds = 70, FallAt = 150, FallSeconds = 80 };

        Assert.Equal(30.85, curve.LevelAt(-30), 6);
        Assert.Equal(32.55, curve.LevelAt(100), 6);
        Assert.Equal(30.85, curve.LevelAt(240), 6);
        var rising = Enumerable.Range(0, 71).Select(s => curve.LevelAt(s)).ToList();
        Assert.Equal(rising.Order(), rising);
    }

    private static Dictionary<string, Dictionary<string, string?>> Devices(DemoPlan plan)
    {
        var byIndex = plan.DeviceConfiguration.GroupBy(k => k.Key.Split(':')[1]);
        return byIndex.ToDictionary(
            g => g.Single(k => k.Key.EndsWith(":Id", StringComparison.Ordinal) && k.Key.Split(':').Length == 3).Value!,
            g => g.ToDictionary(k => string.Join(':', k.Key.Split(':').Skip(2)), k => k.Value));
    }

    private DemoOptions Options(string? scenario = null, int streamPort = 8554) => new()
    {
        Scenario = scenario ?? Path.Combine(RepositoryPaths.Root, "deploy", "demo-scenario.json"),
        Seed = Path.Combine(RepositoryPaths.Root, "deploy", "demo-community"),
        Speed = 4,
        StreamPort = streamPort,
        DataDirectory = _data,
    };
}
