using System.Text.Json;
using System.Text.Json.Nodes;

namespace SmartCommunity.EdgeAgent.Demo;

/// <summary>
/// What the demo reads from the gateway's seed (<c>deploy/demo-community/*.json</c>, read in name order like the
/// gateway's seed loader): devices and their secrets, people's demo passwords, spots' thresholds and devices, cameras'
/// zones and lines, shelters' capacities. The seed stays the one place these are written down.
/// </summary>
public sealed class DemoSeed
{
    // The gateway's defaults for a shelter that gives neither capacity nor area per person (Shelters:AreaPerPerson,
    // docs/shelters.md; 1.5 m² from GB 21734-2008 §5.4). Used only to size the drill's arrivals.
    private static readonly Dictionary<string, double> AreaPerPerson = new(StringComparer.OrdinalIgnoreCase)
    {
        ["emergency"] = 1.0, ["fixed"] = 1.5, ["central"] = 2.0,
    };

    private DemoSeed(string directory, List<(string File, JsonObject Root)> files)
    {
        Directory = directory;
        Files = files;
        Devices = Section("devices").ToDictionary(d => Text(d, "id"));
        People = Section("people").ToDictionary(p => Text(p, "id"));
        Spots = Section("spots").ToDictionary(s => Text(s, "id"));
        Cameras = Section("cameras").ToDictionary(c => Text(c, "id"));
        Shelters = Section("shelters").ToDictionary(s => Text(s, "id"));
    }

    public string Directory { get; }

    /// <summary>The seed's files in name order, as parsed (the derived seed is written from these).</summary>
    public List<(string File, JsonObject Root)> Files { get; }

    public Dictionary<string, JsonObject> Devices { get; }

    public Dictionary<string, JsonObject> People { get; }

    public Dictionary<string, JsonObject> Spots { get; }

    public Dictionary<string, JsonObject> Cameras { get; }

    public Dictionary<string, JsonObject> Shelters { get; }

    public static DemoSeed Load(string directory)
    {
        var files = new List<(string, JsonObject)>();
        foreach (var path in System.IO.Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }) as JsonObject
                ?? throw new InvalidDataException($"{path}: a seed file must hold a JSON object.");
            files.Add((Path.GetFileName(path), root));
        }

        return files.Count > 0 ? new DemoSeed(directory, files) : throw new InvalidDataException($"No seed files (*.json) in {directory}.");
    }

    /// <summary>The spot's <c>levels.{name}M</c> threshold, metres.</summary>
    public double SpotLevel(string spot, string name) => Number(Get(Spots, spot, "spot")["levels"], name + "M");

    /// <summary>Places of a shelter: its <c>capacity</c>, else effective area ÷ area per person (the gateway's rule).</summary>
    public int ShelterCapacity(string shelter)
    {
        var s = Get(Shelters, shelter, "shelter");
        if (s["capacity"] is JsonValue capacity)
        {
            return capacity.GetValue<int>();
        }

        var perPerson = s["areaPerPersonM2"] is JsonValue given ? given.GetValue<double>() : AreaPerPerson[Text(s, "class")];
        return (int)Math.Floor(Number(s, "effectiveAreaM2") / perPerson);
    }

    /// <summary>A camera's zone polygon as 0–1 fractions.</summary>
    public IReadOnlyList<(double X, double Y)> ZonePolygon(string camera, string zone)
    {
        var z = Get(Cameras, camera, "camera")["zones"]?.AsArray().OfType<JsonObject>().FirstOrDefault(z => Text(z, "id") == zone)
            ?? throw new InvalidDataException($"The seed's camera {camera} has no zone '{zone}'.");
        return [.. z["polygon"]!.AsArray().OfType<JsonObject>().Select(Point)];
    }

    /// <summary>A camera's counting line: its ends and a point on its "in" side, as 0–1 fractions.</summary>
    public ((double X, double Y) A, (double X, double Y) B, (double X, double Y) InSide) Line(string camera, string line)
    {
        var l = Get(Cameras, camera, "camera")["lines"]?.AsArray().OfType<JsonObject>().FirstOrDefault(l => Text(l, "id") == line)
            ?? throw new InvalidDataException($"The seed's camera {camera} has no line '{line}'.");
        return (Point(l["a"]!.AsObject()), Point(l["b"]!.AsObject()), Point(l["inSide"]!.AsObject()));
    }

    public static JsonObject Get(Dictionary<string, JsonObject> section, string id, string what) =>
        section.TryGetValue(id, out var found) ? found : throw new InvalidDataException($"The scenario names {what} '{id}', which the seed does not have.");

    public static string Text(JsonNode? node, string property) =>
        node?[property]?.GetValue<string>() ?? throw new InvalidDataException($"Seed entry without '{property}': {node?.ToJsonString()}");

    private static double Number(JsonNode? node, string property) =>
        node?[property]?.GetValue<double>() ?? throw new InvalidDataException($"Seed entry without '{property}': {node?.ToJsonString()}");

    private static (double X, double Y) Point(JsonObject p) => (Number(p, "x"), Number(p, "y"));

    private IEnumerable<JsonObject> Section(string name) =>
        Files.SelectMany(f => f.Root[name] is JsonArray items ? items.OfType<JsonObject>() : []);
}
