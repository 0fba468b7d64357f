using FsCheck;
using FsCheck.Fluent;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Testing.Fuzzing;

namespace SmartCommunity.Gateway.Tests.Fuzzing;

/// <summary>
/// What the in-process fuzz targets of API bodies and seed sections (<see cref="GatewayFuzzTargets"/>) check against
/// (a small community: cells, and devices the spots and shelters refer to) and the valid bodies they mutate. Self-
/// contained (the gateway and SmartCommunity.Testing only), so the benchmark project can compile it in as well.
/// </summary>
public static class GatewayFuzzInputs
{
    public const string Community = "c1";
    public const string BuildingA = "b-a";
    public const string BuildingB = "b-b";
    public const string LevelStation = "level-1";
    public const string DoorUnit = "door-1";
    public const string Camera = "43010200011320000001";
    public const string Speaker = "spk-1";

    /// <summary>The one hazardous spot a reservoir's reach may name.</summary>
    public const string SpotA = "spot-a";

    /// <summary>A camera ID of this numbering that no camera has (the route's or the seed entry's ID).</summary>
    public const string FuzzCamera = "43010200011320000077";

    // Non-ASCII as UTF-8, as a browser sends it (the default encoder would send \uXXXX escapes only). First: the
    // templates below are built with it.
    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new(System.Text.Json.JsonSerializerOptions.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static GridSnapshot FuzzGrid { get; } = new(
    [
        new GridCell(Community, null, CellLevel.Community, "社区 C1", 28.19, 112.97),
        new GridCell("p1", Community, CellLevel.Compound, "小区 P1", null, null),
        new GridCell(BuildingA, "p1", CellLevel.Building, "楼 A", null, null),
        new GridCell(BuildingB, "p1", CellLevel.Building, "楼 B", null, null),
    ], []);

    private static readonly Dictionary<string, Device> Devices = new Device[]
    {
        new(LevelStation, DeviceKind.WaterLevelStation, "Level", BuildingA, null, null, true, new Dictionary<string, string>()),
        new(DoorUnit, DeviceKind.DoorAccess, "Door", BuildingB, null, null, true, new Dictionary<string, string>()),
        new(Camera, DeviceKind.Camera, "Camera", BuildingA, null, null, true, new Dictionary<string, string>()),
        new(Speaker, DeviceKind.WarningDevice, "Speaker", BuildingA, null, null, true, new Dictionary<string, string>()),
    }.ToDictionary(d => d.Id, StringComparer.Ordinal);

    public static bool SpotExists(string id) => id == SpotA;

    /// <summary>The registered device with this ID, as <see cref="DeviceRegistry.DeviceOf"/> answers.</summary>
    public static Device? DeviceOf(string id) => Devices.GetValueOrDefault(id);

    /// <summary>Strings a console user could paste or a seed file could hold, past <see cref="HostileJson.Text"/>.</summary>
    public static IReadOnlyList<string> Strings { get; } =
    [
        Quote("\u202Egpj.exe"), Quote("a\u202Bb\u202Cc\u2066d\u2069"), Quote("\u200B\u200C\u200D\uFEFF"), Quote("\u0007\u0008\u001B[31mred"),
        Quote("\uFFFE\uFFFF"), Quote("line\r\nbreak"), Quote("\u0000"), Quote("a\u0000b"), Quote(new string('危', 60_000)),
        Quote(string.Concat(Enumerable.Repeat("👮‍♀️", 20_000))), Quote("<script>alert(1)</script>"), Quote("../../etc/passwd"),
        Quote("' OR 1=1 --"), Quote("%00"), Quote(" "), Quote(new string('a', 65)), Quote(new string('a', 101)), Quote(new string('a', 201)),
    ];

    // Nested parts of the bodies, each mutated on its own so the generators reach the checks inside lists and objects.
    private static readonly JsonTemplate Point = JsonTemplate.Of(("x", "0.1"), ("y", "0.1"));
    private static readonly JsonTemplate Zone = JsonTemplate.Of(("id", "\"z1\""), ("kind", "\"danger-water\""), ("polygon", "[{\"x\":0.1,\"y\":0.1},{\"x\":0.9,\"y\":0.1},{\"x\":0.5,\"y\":0.9}]"), ("name", "\"水边\""));
    private static readonly JsonTemplate Line = JsonTemplate.Of(("id", "\"gate\""), ("a", "{\"x\":0.1,\"y\":0.5}"), ("b", "{\"x\":0.9,\"y\":0.5}"), ("inSide", "{\"x\":0.5,\"y\":0.9}"), ("name", "\"门\""));
    private static readonly JsonTemplate Recording = JsonTemplate.Of(("enabled", "false"), ("segmentSeconds", "10"), ("retentionDays", "7"));
    private static readonly JsonTemplate Analysis = JsonTemplate.Of(("site", "\"off\""), ("detectFps", "5"), ("detectWidth", "640"), ("detectHeight", "360"));
    private static readonly JsonTemplate Levels = JsonTemplate.Of(("normalM", "30.0"), ("warningM", "31.0"), ("dangerM", "32.0"));
    private static readonly JsonTemplate Rise = JsonTemplate.Of(("warningMPerHour", "0.3"), ("dangerMPerHour", "1.0"));
    private static readonly JsonTemplate RiskTimes = JsonTemplate.Of(("dailyHours", "[\"16:00-19:00\"]"), ("seasons", "[\"07-01..08-31\"]"), ("weekends", "true"));
    private static readonly JsonTemplate SpotDevices = JsonTemplate.Of(("levelStation", Quote(LevelStation)), ("cameras", $"[{{\"id\":\"{Camera}\",\"zone\":\"z1\"}}]"), ("loudspeakers", $"[\"{Speaker}\"]"));
    private static readonly JsonTemplate Source = JsonTemplate.Of(("device", Quote(DoorUnit)), ("door", "\"main\""), ("reversed", "false"));
    private static readonly JsonTemplate CameraSource = JsonTemplate.Of(("device", Quote(Camera)), ("line", "\"gate\""));
    private static readonly JsonTemplate Band = JsonTemplate.Of(("maxFlowM3s", "200"), ("travelMinutes", "90"));
    private static readonly JsonTemplate ReachSpot = JsonTemplate.Of(("spotId", Quote(SpotA)), ("bands", $"[{Band.ToJson()},{{\"maxFlowM3s\":800,\"travelMinutes\":60}}]"));
    private static readonly JsonTemplate ReachCommunity = JsonTemplate.Of(("communityId", Quote(Community)), ("bands", $"[{Band.ToJson()}]"));
    private static readonly JsonTemplate Reach = JsonTemplate.Of(("id", "\"r1\""), ("name", "\"下游\""), ("spots", $"[{ReachSpot.ToJson()}]"), ("communities", $"[{ReachCommunity.ToJson()}]"));
    private static readonly JsonTemplate Attributes = JsonTemplate.Of(("doors", "\"main\""), ("floor", "\"1\""));

    public static JsonTemplate CellEntry { get; } = JsonTemplate.Of(("id", "\"fuzz-cell\""), ("parentId", "\"p1\""), ("level", "\"Building\""), ("name", "\"楼 F\""), ("lat", "28.19"), ("lon", "112.97"));

    public static JsonTemplate PersonBody { get; } = JsonTemplate.Of(("name", "\"王强\""), ("role", "\"guard\""), ("duty", "\"Guard\""), ("cells", "[\"b-a\"]"), ("phone", "\"13800000000\""),
        ("webhookUrl", "\"https://example.org/hook\""), ("enabled", "true"), ("password", "\"long-enough-password-1\""));

    public static JsonTemplate DeviceBody { get; } = JsonTemplate.Of(("kind", "\"door-access\""), ("name", "\"东门\""), ("cellId", "\"b-b\""), ("lat", "28.19"), ("lon", "112.97"),
        ("enabled", "true"), ("attributes", Attributes.ToJson()), ("secret", "\"a-secret-long-enough\""));

    public static JsonTemplate CameraBody { get; } = JsonTemplate.Of(("name", "\"Fuzz camera\""), ("cellId", "\"b-a\""), ("mainUrl", "\"rtsp://127.0.0.1:9/none\""), ("subUrl", "\"rtsp://127.0.0.1:9/sub\""),
        ("username", "\"admin\""), ("password", "\"camera-password\""), ("zones", $"[{Zone.ToJson()}]"), ("lines", $"[{Line.ToJson()}]"), ("recording", Recording.ToJson()), ("analysis", Analysis.ToJson()));

    public static JsonTemplate SpotBody { get; } = JsonTemplate.Of(("name", "\"沙洲滩 Sandbar\""), ("cellId", "\"b-a\""), ("lat", "28.1996"), ("lon", "112.9671"), ("reachId", "\"reach-1\""),
        ("levels", Levels.ToJson()), ("rise", Rise.ToJson()), ("riskTimes", RiskTimes.ToJson()), ("devices", SpotDevices.ToJson()));

    public static JsonTemplate ShelterBody { get; } = JsonTemplate.Of(("name", "\"School gym\""), ("class", "\"fixed\""), ("duration", "\"III\""), ("effectiveAreaM2", "30"), ("areaPerPersonM2", "1.5"),
        ("capacity", "20"), ("cellId", "\"b-a\""), ("lat", "28.19"), ("lon", "112.97"), ("open", "true"),
        ("entrances", $"[{{\"id\":\"main\",\"name\":\"正门\",\"sources\":[{Source.ToJson()},{CameraSource.ToJson()}]}}]"));

    /// <summary>Keys added inside a nested part (raw JSON text between the quotes): a dictionary's keys are strings from the body too.</summary>
    private static readonly string[] NestedKeys = ["\\u0000", "a\\u0000b", "", " ", new string('k', 65), "\\ud800", "危险", "x"];

    public static JsonTemplate ReservoirBody { get; } = JsonTemplate.Of(("name", "\"上游水库\""), ("lat", "28.3"), ("lon", "113.0"), ("reaches", $"[{Reach.ToJson()}]"));

    /// <summary>Where each body's nested parts sit, so a generator can mutate inside them (field → its template, and whether it is a list of them).</summary>
    private static readonly Dictionary<JsonTemplate, (string Field, JsonTemplate Inner, bool List)[]> NestedParts = new()
    {
        [DeviceBody] = [("attributes", Attributes, false)],
        [CameraBody] = [("zones", Zone, true), ("lines", Line, true), ("recording", Recording, false), ("analysis", Analysis, false), ("lines", JsonTemplate.Of(("id", "\"l2\""), ("a", Point.ToJson()), ("b", Point.ToJson()), ("inSide", Point.ToJson())), true)],
        [SpotBody] = [("levels", Levels, false), ("rise", Rise, false), ("riskTimes", RiskTimes, false), ("devices", SpotDevices, false)],
        [ReservoirBody] = [("reaches", Reach, true), ("reaches", JsonTemplate.Of(("id", "\"r2\""), ("spots", $"[{JsonTemplate.Of(("spotId", Quote(SpotA)), ("bands", $"[{Band.ToJson()}]")).ToJson()}]")), true),
            ("reaches", JsonTemplate.Of(("id", "\"r3\""), ("communities", $"[{ReachCommunity.ToJson()}]")), true)],
        [ShelterBody] = [("entrances", JsonTemplate.Of(("id", "\"main\""), ("sources", $"[{Source.ToJson()}]")), true), ("entrances", JsonTemplate.Of(("id", "\"e2\""), ("sources", $"[{CameraSource.ToJson()}]")), true)],
    };

    /// <summary>
    /// The body as it is, with a hostile string in one field, or with one of its nested parts mutated (a field replaced
    /// by an extreme value or a hostile string, removed or duplicated); <see cref="HostileJson.Documents"/> mutates further.
    /// </summary>
    public static Gen<JsonTemplate> Variants(JsonTemplate body, string? id = null)
    {
        var withId = id is null ? body : JsonTemplate.Of([("id", Quote(id)), .. body.Fields.Select(f => (f.Key, f.Value))]);
        var variants = new List<(int, Gen<JsonTemplate>)>
        {
            (2, Gen.Constant(withId)),
            (2, Gen.Zip(Gen.Elements(Strings.ToArray()), Gen.Choose(0, int.MaxValue)).Select(t => withId.ReplaceField(t.Item2, t.Item1))),
        };
        if (NestedParts.TryGetValue(body, out var parts))
        {
            var part = Gen.Elements(parts);
            var value = Gen.Frequency([(3, HostileJson.Value), (1, Gen.Elements(Strings.ToArray())), (1, Gen.Elements(Point.ReplaceField(0, "1e308").ToJson(), Point.ReplaceField(1, "-0").ToJson()))]);
            var mutated = Fuzz.Zip3(part, value, Gen.Choose(0, int.MaxValue)).Select(t =>
            {
                var (field, inner, list) = t.Item1;
                var changed = (t.Item3 % 5) switch
                {
                    0 => inner.RemoveField(t.Item3 / 5),
                    1 => inner.DuplicateField(t.Item3 / 5, t.Item2),
                    2 => inner.AddField(NestedKeys[t.Item3 / 5 % NestedKeys.Length], t.Item2),
                    _ => inner.ReplaceField(t.Item3 / 5, t.Item2),
                };
                var json = list ? $"[{changed.ToJson()}]" : changed.ToJson();
                return JsonTemplate.Of([.. withId.Fields.Select(f => (f.Key, f.Key == field ? json : f.Value))]);
            });
            variants.Add((3, mutated));
        }

        return Gen.Frequency([.. variants]);
    }

    public static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text, Relaxed);
}
