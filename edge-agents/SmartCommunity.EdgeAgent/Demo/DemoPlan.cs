using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SmartCommunity.EdgeAgent.Demo;

/// <summary>The agent's <c>Demo</c> section: which scenario to play, at what pace, and where things are.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>The scenario file (<c>deploy/demo-scenario.json</c>); empty: no demo.</summary>
    public string Scenario { get; set; } = "";

    /// <summary>The seed folder the gateway is given the derived copy of (<c>deploy/demo-community</c>).</summary>
    public string Seed { get; set; } = "deploy/demo-community";

    /// <summary>Pace: 2 plays the active part twice as fast. The calm at the start of a cycle is never shortened.</summary>
    public double Speed { get; set; } = 1;

    /// <summary>Port of the cameras' HTTP streams on 127.0.0.1.</summary>
    public int StreamPort { get; set; } = 8554;

    /// <summary>The gateway's HTTP address, for the people of the scenario who use its API.</summary>
    public string GatewayUrl { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Where the derived seed (<c>seed/</c>) and the rendered clips (<c>video/</c>) go.</summary>
    public string DataDirectory { get; set; } = "data/demo";

    public string FfmpegPath { get; set; } = "ffmpeg";

    /// <summary>The camera that registers by GB/T 28181 instead of serving a stream (<see cref="DemoGbCamera"/>).</summary>
    public DemoGb28181Options Gb28181 { get; set; } = new();
}

/// <summary>
/// The scenario applied to the seed: the devices the agent simulates and their settings (level curves from the spots'
/// thresholds, the drill's arrivals from the shelter's capacity), the cameras' clips (walkers on the seed's zones and
/// lines), and the seed the gateway loads (the same files, the cameras pointed at the agent's streams).
/// </summary>
public sealed class DemoPlan
{
    private static readonly string[] WarningRoles = ["loudspeakers", "sirens", "signs"];
    private readonly List<KeyValuePair<string, string?>> _devices = [];

    private DemoPlan(DemoOptions options, DemoScenario scenario, DemoSeed seed, DemoCycle cycle)
    {
        (Scenario, Seed, Cycle) = (scenario, seed, cycle);
        (StreamPort, GatewayUrl, FfmpegPath) = (options.StreamPort, options.GatewayUrl, options.FfmpegPath);
        SeedDirectory = Path.GetFullPath(Path.Combine(options.DataDirectory, "seed"));
        VideoDirectory = Path.GetFullPath(Path.Combine(options.DataDirectory, "video"));
    }

    public DemoScenario Scenario { get; }

    public DemoSeed Seed { get; }

    public DemoCycle Cycle { get; }

    public int StreamPort { get; }

    public string GatewayUrl { get; }

    public string FfmpegPath { get; }

    public string SeedDirectory { get; }

    public string VideoDirectory { get; }

    public List<DemoCamera> Cameras { get; } = [];

    /// <summary>The <c>Devices:N:…</c> configuration keys of the simulated devices.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> DeviceConfiguration => _devices;

    /// <summary>Reads and cross-checks scenario and seed; a name the seed lacks stops the agent with that name.</summary>
    public static DemoPlan Create(DemoOptions options, DateTimeOffset origin)
    {
        if (options.Speed is <= 0 or > 100)
        {
            throw new InvalidDataException($"Demo:Speed = {options.Speed.ToString(CultureInfo.InvariantCulture)} must be above 0 and at most 100.");
        }

        var scenario = DemoScenario.Load(options.Scenario);
        var seed = DemoSeed.Load(options.Seed);
        var plan = new DemoPlan(options, scenario, seed, new DemoCycle(origin, scenario.CalmSeconds, scenario.ActiveSeconds, options.Speed));
        foreach (var person in new[] { scenario.Discharge?.Issuer, scenario.Shelter?.Officer }.OfType<string>())
        {
            DemoSeed.Text(DemoSeed.Get(seed.People, person, "person"), "password");
        }

        if (scenario.Shelter?.Overflow is { } overflow)
        {
            DemoSeed.Get(seed.Shelters, overflow, "shelter");
        }

        plan.AddLevelStations();
        plan.AddWarningDevices();
        plan.AddDoorUnits();
        plan.AddCameras(File.ReadAllText(options.Scenario), options.Speed);
        return plan;
    }

    /// <summary>Renders the cameras' clips that are not on disk yet (a minute at pace 1 the first time, on a small machine).</summary>
    public void RenderClips()
    {
        Directory.CreateDirectory(VideoDirectory);
        foreach (var camera in Cameras)
        {
            DemoClips.Render(camera.Clip, Cycle, camera.Scripts, camera.Scene, FfmpegPath);
        }
    }

    /// <summary>Writes the seed the gateway loads: the seed's files as they are, the cameras' stream URLs pointed here.</summary>
    public void WriteSeed()
    {
        Directory.CreateDirectory(SeedDirectory);
        foreach (var stale in Directory.GetFiles(SeedDirectory, "*.json"))
        {
            File.Delete(stale);
        }

        foreach (var (file, root) in Seed.Files)
        {
            var copy = root.DeepClone().AsObject();
            foreach (var camera in copy["cameras"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                camera["mainUrl"] = $"http://127.0.0.1:{StreamPort.ToString(CultureInfo.InvariantCulture)}/{DemoSeed.Text(camera, "id")}.ts";
            }

            File.WriteAllText(Path.Combine(SeedDirectory, file), copy.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        }
    }

    private void AddLevelStations()
    {
        foreach (var level in Scenario.Levels)
        {
            var spot = DemoSeed.Get(Seed.Spots, level.Spot, "spot");
            var station = DemoSeed.Text(spot["devices"], "levelStation");
            var (normal, warning, danger) = (Seed.SpotLevel(level.Spot, "normal"), Seed.SpotLevel(level.Spot, "warning"), Seed.SpotLevel(level.Spot, "danger"));
            var start = normal - level.StartBelowNormalM;
            var peak = level.PeakAboveDangerM is { } overDanger ? danger + overDanger : warning + (level.PeakAboveWarningM ?? 0.1);
            AddDevice(station, "sim-water-level", new()
            {
                ["Seed"] = Number(_devices.Count + 11),
                ["TelemetrySeconds"] = Number(Scenario.LevelReportSeconds),
                ["NoiseM"] = Number(Scenario.NoiseM),
                ["BaseLevelM"] = Number(start),
                ["DailyAmplitudeM"] = "0",
                ["ThresholdM"] = Number(warning),
                ["BaseFlowM3s"] = "35",
                ["Curve:StartM"] = Number(start),
                ["Curve:PeakM"] = Number(peak),
                ["Curve:RiseAt"] = Number(level.RiseAt),
                ["Curve:RiseSeconds"] = Number(level.RiseSeconds),
                ["Curve:FallAt"] = Number(level.FallAt),
                ["Curve:FallSeconds"] = Number(level.FallSeconds),
            });
        }
    }

    /// <summary>Every loudspeaker, siren and sign of every spot: they must answer the gateway's commands.</summary>
    private void AddWarningDevices()
    {
        var ids = Seed.Spots.Values
            .SelectMany(s => WarningRoles.SelectMany(k => s["devices"]?[k]?.AsArray().Select(n => n!.GetValue<string>()) ?? []))
            .Distinct(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            AddDevice(id, "sim-warning-device", new() { ["ClipSeconds"] = "5", ["DefaultSirenSeconds"] = "60" });
        }
    }

    private void AddDoorUnits()
    {
        var doors = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string> Door(string id) => doors.TryGetValue(id, out var found) ? found : doors[id] = new()
        {
            ["Door"] = DemoSeed.Get(Seed.Devices, id, "door unit")["attributes"]?["door"]?.GetValue<string>() ?? "main",
            ["TelemetrySeconds"] = "30",
        };

        if (Scenario.Shelter is { } drill)
        {
            var people = (int)Math.Ceiling(drill.PeakShare * Seed.ShelterCapacity(drill.Shelter));
            var door = Door(drill.Door);
            door["Drill:People"] = Number(people);
            door["Drill:FillFrom"] = Number(drill.FillFrom);
            door["Drill:FillUntil"] = Number(drill.FillUntil);
            door["Drill:EmptyFrom"] = Number(drill.EmptyFrom);
            door["Drill:EmptyUntil"] = Number(drill.EmptyUntil);
        }

        foreach (var (forced, i) in Scenario.DoorsForced.Select((f, i) => (f, i)))
        {
            Door(forced.Door)[$"ForcedAt:{i}"] = Number(forced.At);
        }

        foreach (var (id, settings) in doors)
        {
            AddDevice(id, "sim-door-access", settings);
        }
    }

    private void AddCameras(string scenarioText, double speed)
    {
        foreach (var (id, camera) in Seed.Cameras)
        {
            var scripts = new List<DemoClips.CameraScript>();
            scripts.AddRange(Scenario.Walkers.Where(w => w.Camera == id).Select(w => new DemoClips.ZoneWalk(Seed.ZonePolygon(id, w.Zone), w)));
            scripts.AddRange(Scenario.LineWalkers.Where(w => w.Camera == id).Select(w => new DemoClips.LineWalk(Seed.Line(id, w.Line), w)));
            var water = camera["zones"]?.AsArray().OfType<JsonObject>().Where(z => z["kind"]?.GetValue<string>() == "danger-water")
                .Select(z => Seed.ZonePolygon(id, DemoSeed.Text(z, "id"))).ToList() ?? [];
            // Same scenario, camera and pace: the clip on disk is reused.
            var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"v1|{scenarioText}|{camera.ToJsonString()}|{speed.ToString(CultureInfo.InvariantCulture)}")))[..16];
            Cameras.Add(new DemoCamera(id, Path.Combine(VideoDirectory, $"{id}-{key.ToLowerInvariant()}.ts"), scripts, new DemoClips.CameraScene(water)));
        }

        foreach (var walker in Scenario.Walkers.Select(w => w.Camera).Concat(Scenario.LineWalkers.Select(w => w.Camera)))
        {
            DemoSeed.Get(Seed.Cameras, walker, "camera");
        }
    }

    private void AddDevice(string id, string driver, Dictionary<string, string> settings)
    {
        var device = DemoSeed.Get(Seed.Devices, id, "device");
        var prefix = $"Devices:{(_devices.Count(k => k.Key.EndsWith(":Id", StringComparison.Ordinal))).ToString(CultureInfo.InvariantCulture)}:";
        _devices.Add(new(prefix + "Id", id));
        _devices.Add(new(prefix + "Kind", DemoSeed.Text(device, "kind")));
        _devices.Add(new(prefix + "Secret", DemoSeed.Text(device, "secret")));
        _devices.Add(new(prefix + "Driver", driver));
        settings["Cycle:OriginUnixMs"] = Cycle.Origin.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        settings["Cycle:CalmSeconds"] = Number(Cycle.Calm.TotalSeconds);
        settings["Cycle:ActiveSeconds"] = Number(Scenario.ActiveSeconds);
        settings["Cycle:Speed"] = Number(Cycle.Speed);
        foreach (var (key, value) in settings)
        {
            _devices.Add(new(prefix + "Settings:" + key, value));
        }
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A camera of the seed: its clip (rendered at start) and what walks in it.</summary>
    public sealed record DemoCamera(string Id, string Clip, IReadOnlyList<DemoClips.CameraScript> Scripts, DemoClips.CameraScene Scene);
}
