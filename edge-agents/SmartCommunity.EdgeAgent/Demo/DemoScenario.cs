using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmartCommunity.EdgeAgent.Demo;

/// <summary>
/// The demo's timeline (<c>deploy/demo-scenario.json</c>). It names things of the seed and holds only times and
/// shapes; every place, threshold, zone, line, capacity and secret comes from the seed (<see cref="DemoSeed"/>).
/// Times are seconds into the active part of a cycle at pace 1.
/// </summary>
public sealed class DemoScenario
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip };

    /// <summary>Quiet real seconds before each active part; never shortened by the pace.</summary>
    public double CalmSeconds { get; set; } = 60;

    /// <summary>Length of the active part at pace 1.</summary>
    public double ActiveSeconds { get; set; } = 240;

    public List<LevelCurve> Levels { get; set; } = [];

    /// <summary>Standard deviation of a level reading's noise, metres (a radar gauge's few millimetres).</summary>
    public double NoiseM { get; set; } = 0.002;

    /// <summary>Real seconds between level readings (not sped up: the gateway's rise rate needs real spacing).</summary>
    public double LevelReportSeconds { get; set; } = 5;

    public List<ZoneWalker> Walkers { get; set; } = [];

    public List<LineWalker> LineWalkers { get; set; } = [];

    public DischargeDrill? Discharge { get; set; }

    public ShelterDrill? Shelter { get; set; }

    public List<ForcedDoor> DoorsForced { get; set; } = [];

    public List<Acknowledgement> Acknowledgements { get; set; } = [];

    public static DemoScenario Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<DemoScenario>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a valid scenario: {ex.Message}", ex);
        }
    }

    /// <summary>A spot's level: from below normal up past a threshold of the spot, held, then down again.</summary>
    public sealed class LevelCurve
    {
        public string Spot { get; set; } = "";

        public double StartBelowNormalM { get; set; } = 0.3;

        /// <summary>Peak above the spot's danger level; otherwise <see cref="PeakAboveWarningM"/> is used.</summary>
        public double? PeakAboveDangerM { get; set; }

        public double? PeakAboveWarningM { get; set; }

        public double RiseAt { get; set; }

        public double RiseSeconds { get; set; } = 60;

        public double FallAt { get; set; }

        public double FallSeconds { get; set; } = 60;
    }

    /// <summary>A person walking along the shore, into a camera's danger-water zone, and out again.</summary>
    public sealed class ZoneWalker
    {
        public string Camera { get; set; } = "";

        public string Zone { get; set; } = "";

        public double AppearAt { get; set; }

        public double EnterAt { get; set; }

        public double LeaveAt { get; set; }

        public double GoneAt { get; set; }
    }

    /// <summary>A person crossing a camera's counting line, <c>in</c> or <c>out</c>, at <see cref="At"/>.</summary>
    public sealed class LineWalker
    {
        public string Camera { get; set; } = "";

        public string Line { get; set; } = "";

        public string Direction { get; set; } = "in";

        public double At { get; set; }
    }

    /// <summary>The water authority's discharge notice, issued and later withdrawn within the cycle.</summary>
    public sealed class DischargeDrill
    {
        public string Reservoir { get; set; } = "";

        /// <summary>The seed person who issues it (a water-authority login).</summary>
        public string Issuer { get; set; } = "";

        public double IssueAt { get; set; }

        public double FlowM3s { get; set; }

        public int DurationMinutes { get; set; } = 60;

        public double WithdrawAt { get; set; }
    }

    /// <summary>A shelter filled through a door unit up to a share of its capacity, then emptied.</summary>
    public sealed class ShelterDrill
    {
        public string Shelter { get; set; } = "";

        public string Door { get; set; } = "";

        /// <summary>The seed person (emergency staff) who records an empty shelter when the demo starts.</summary>
        public string Officer { get; set; } = "";

        /// <summary>An open shelter to send people to when this one fills; the officer opens it when the demo starts.</summary>
        public string? Overflow { get; set; }

        public double FillFrom { get; set; }

        public double FillUntil { get; set; }

        public double PeakShare { get; set; } = 1.0;

        public double EmptyFrom { get; set; }

        public double EmptyUntil { get; set; }
    }

    public sealed class ForcedDoor
    {
        public string Door { get; set; } = "";

        public double At { get; set; }
    }

    /// <summary>
    /// A person of the seed (a guard, 网格员) who acknowledges the open alerts of <see cref="Type"/> they see, from
    /// <see cref="At"/> until one is acknowledged or the cycle's active part ends (the alert may come a little late:
    /// the gateway's own video analysis raises it).
    /// </summary>
    public sealed class Acknowledgement
    {
        public string Person { get; set; } = "";

        public string Type { get; set; } = "";

        public double At { get; set; }
    }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Comments { get; set; }
}
