using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using SmartCommunity.Gateway.Tests.Shelters;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.Tests.WaterSafety;
using SmartCommunity.Testing.Fuzzing;

namespace SmartCommunity.Gateway.Tests.Fuzzing;

/// <summary>
/// Valid bodies of the admin console's calls (people, devices, cameras, spots, shelters), as templates for the
/// fuzzing generators, and the hostile strings a console user could paste into any text field.
/// </summary>
internal static class HostileBodies
{
    /// <summary>Inputs per endpoint or seed section in the suite's fixed-seed run (each is a real request or apply).</summary>
    public const int SuiteCount = 400;

    /// <summary>A camera ID of the test community's numbering that the seed does not use.</summary>
    public const string FuzzCamera = "43010200011320000077";

    /// <summary>
    /// Strings past what <see cref="HostileJson.Text"/> covers: control characters, bidirectional overrides (an RTL
    /// override makes "gpj.exe" read as "exe.jpg"), zero-width and non-characters, and unicode far past 16 KB.
    /// </summary>
    public static IReadOnlyList<string> Strings { get; } =
    [
        Quote("\u202Egpj.exe"), Quote("a\u202Bb\u202Cc\u2066d\u2069"), Quote("\u200B\u200C\u200D\uFEFF"), Quote("\u0007\u0008\u001B[31mred"),
        Quote("\uFFFE\uFFFF"), Quote("line\r\nbreak"), Quote("\u0000"), Quote(new string('危', 60_000)), Quote(string.Concat(Enumerable.Repeat("👮‍♀️", 20_000))),
        Quote("<script>alert(1)</script>"), Quote("../../etc/passwd"), Quote("' OR 1=1 --"), Quote("%00"), Quote(" "),
    ];

    /// <summary>The endpoints and one valid body each; the ID in the path is not in the seed, so the seed's own rows are "the good data".</summary>
    public static IReadOnlyList<(string Name, string Path, JsonTemplate Body)> Endpoints { get; } =
    [
        ("people", "/api/people/fuzz-person", Template(new { name = "王强", role = "guard", duty = "Guard", cells = new[] { TestCommunity.BuildingA }, phone = "13800000000", enabled = true, password = "long-enough-password-1" })),
        ("devices", "/api/devices/fuzz-device", Template(new { kind = "door-access", name = "东门", cellId = TestCommunity.BuildingB, lat = 28.19, lon = 112.97, enabled = true, attributes = new Dictionary<string, string> { ["doors"] = "main" }, secret = "a-secret-long-enough" })),
        ("cameras", "/api/video/cameras/" + FuzzCamera, Template(new
        {
            name = "Fuzz camera", cellId = TestCommunity.BuildingA, mainUrl = "rtsp://127.0.0.1:9/none",
            recording = new { enabled = false, segmentSeconds = 10, retentionDays = 7 }, analysis = new { site = "off", detectFps = 5, detectWidth = 640, detectHeight = 360 },
        })),
        ("spots", "/api/water/spots/fuzz-spot", Template(WaterSafetyTestBed.SpotBody())),
        ("shelters", "/api/shelters/fuzz-shelter", Template(ShelterTestBed.Body(entrances: []))),
    ];

    /// <summary>A template with one of its fields set to a hostile string (or left as it is), for the generators to mutate further.</summary>
    public static Gen<JsonTemplate> WithHostileStrings(JsonTemplate template) => Gen.Frequency([
        (1, Gen.Constant(template)),
        (1, Gen.Zip(Gen.Elements(Strings.ToArray()), Gen.Choose(0, int.MaxValue)).Select(t => template.ReplaceField(t.Item2, t.Item1)))]);

    /// <summary>The top-level fields of <paramref name="body"/> serialized as the API reads JSON, with an <c>id</c> first when given.</summary>
    public static JsonTemplate Template(object body, string? id = null)
    {
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
        var fields = document.RootElement.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).Select(p => (Key: p.Name, Json: p.Value.GetRawText()));
        return JsonTemplate.Of([.. id is null ? [] : new[] { (Key: "id", Json: Quote(id)) }, .. fields]);
    }

    public static string Quote(string text) => JsonSerializer.Serialize(text, Relaxed);

    // Non-ASCII as UTF-8, as a browser sends it (the default encoder would send \uXXXX escapes only).
    private static readonly JsonSerializerOptions Relaxed = new(JsonSerializerOptions.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Inputs drawn from <paramref name="documents"/>, deterministic for the seed.</summary>
    public static IEnumerable<byte[]> Sample(Gen<byte[]> documents, int count, ulong seed) => documents.Sample(count, new Rnd(seed), 100);
}
