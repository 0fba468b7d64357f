using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Shelters;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.WaterSafety.Discharge;
using SmartCommunity.Gateway.WaterSafety.Spots;
using SmartCommunity.Protocol.Identity;
using SmartCommunity.Protocol.Topics;
using static SmartCommunity.Gateway.Tests.Fuzzing.GatewayFuzzInputs;

namespace SmartCommunity.Gateway.Tests.Fuzzing;

/// <summary>
/// What an accepted value of <see cref="GatewayFuzzTargets"/> must be, written from the documented limits rather than
/// by calling the rules under test: null when it is in range, else what is out of it. (U+0000 and whether the value
/// can be written back are checked for every value by the targets themselves.)
/// </summary>
internal static class AcceptedRules
{
    public static string? Cell(GridCell c) =>
        Id("id", c.Id) ?? Text("name", c.Name, 200) ?? Defined(c.Level) ?? Position(c.Lat, c.Lon, required: false)
        ?? (c.ParentId is null ? (c.Level == CellLevel.Community ? null : "a non-community cell without a parent")
            : FuzzGrid.Cell(c.ParentId) is { } parent ? (parent.Level < c.Level ? null : "a cell under one of the same or a lower level") : "a parent that does not exist");

    public static string? Person(Person p) =>
        Id("id", p.Id) ?? Text("name", p.Name, 200) ?? (Roles.IsPersonRole(p.Role) ? null : $"role '{p.Role}'") ?? Defined(p.Duty)
        ?? p.Cells.Select(c => FuzzGrid.Cell(c) is null ? $"cell '{c}' that does not exist" : null).FirstOrDefault(e => e is not null)
        ?? (p.Role == Roles.Guard && p.Cells.Count == 0 ? "a guard without cells" : null)
        ?? (p.Phone is { Length: > 32 } ? "a phone of more than 32 characters" : null)
        ?? (p.WebhookUrl is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") ? "a webhook that is not an http(s) URL" : null);

    public static string? Device(Device d, string? secret) =>
        Id("id", d.Id) ?? Defined(d.Kind) ?? Text("name", d.Name, 200) ?? (d.CellId is null || FuzzGrid.Cell(d.CellId) is not null ? null : "a cell that does not exist")
        ?? Position(d.Lat, d.Lon, required: false)
        ?? (d.Attributes.Count > 32 || d.Attributes.Any(a => a.Key.Length is 0 or > 64 || a.Value is null || a.Value.Length > 2048) ? "attributes past 32, keys past 1–64 or values past 2 048 characters" : null)
        ?? (secret is { Length: < 16 or > 256 } ? "a secret outside 16–256 characters" : null);

    public static string? Camera(Camera c) =>
        (Gb28181Id.TryParse(c.Id, out var code, out _) && code.IsCamera ? null : "an ID that is not a GB/T 28181 camera code")
        ?? Text("name", c.Name, 100) ?? (c.Name.Any(char.IsControl) ? "a control character in the name" : null)
        ?? (FuzzGrid.Cell(c.CellId) is null ? "a cell that does not exist" : null) ?? Position(c.Lat, c.Lon, required: false)
        ?? Url("mainUrl", c.Streams.MainUrl) ?? (c.Streams.SubUrl is { } sub ? Url("subUrl", sub) : null)
        ?? (c.Streams.Username is { Length: 0 or > 256 } || c.Streams.Password is { Length: 0 or > 256 } ? "a credential outside 1–256 characters" : null)
        ?? (c.Zones.Count > 32 || c.Lines.Count > 32 ? "more than 32 zones or lines" : null)
        ?? c.Zones.Select(z => Id("zone id", z.Id) ?? (z.Polygon.Count is < 3 or > 64 || !z.Polygon.All(InFrame) ? $"zone '{z.Id}' with {z.Polygon.Count} points or one out of the frame" : null)).FirstOrDefault(e => e is not null)
        ?? c.Lines.Select(l => Id("line id", l.Id) ?? (InFrame(l.A) && InFrame(l.B) && InFrame(l.InSide) ? null : $"line '{l.Id}' out of the frame")).FirstOrDefault(e => e is not null)
        ?? (c.Recording.SegmentSeconds is < 2 or > 60 || c.Recording.RetentionDays is < 1 or > 3650 ? "a recording policy out of range" : null)
        ?? (!Enum.IsDefined(c.Analysis.Site) || c.Analysis.DetectFps is not (>= 0.2 and <= 30) || c.Analysis.DetectWidth is < 64 or > 3840 || c.Analysis.DetectHeight is < 64 or > 2160 ? "an analysis policy out of range" : null);

    public static string? Spot(HazardousSpot s) =>
        Id("id", s.Id) ?? Text("name", s.Name, 100) ?? (s.ReachId is { } reach ? Id("reach id", reach) : null)
        ?? (FuzzGrid.Cell(s.CellId) is null ? "a cell that does not exist" : null) ?? Position(s.Lat, s.Lon, required: true)
        ?? (s.Levels.NormalM < s.Levels.WarningM && s.Levels.WarningM < s.Levels.DangerM && s.Levels.NormalM >= -100 && s.Levels.DangerM <= 9000 ? null : $"levels {s.Levels}")
        ?? (s.Rise.WarningMPerHour > 0 && s.Rise.WarningMPerHour < s.Rise.DangerMPerHour && s.Rise.DangerMPerHour <= 100 ? null : $"rise {s.Rise}")
        ?? Kind(s.Devices.LevelStation, Protocol.Messages.DeviceKind.WaterLevelStation)
        ?? (s.Devices.Cameras ?? []).Select(c => Kind(c.Id, Protocol.Messages.DeviceKind.Camera)).FirstOrDefault(e => e is not null)
        ?? (s.Devices.Loudspeakers ?? []).Concat(s.Devices.Sirens ?? []).Concat(s.Devices.Signs ?? []).Select(w => Kind(w, Protocol.Messages.DeviceKind.WarningDevice)).FirstOrDefault(e => e is not null);

    public static string? Shelter(Shelter s) =>
        Id("id", s.Id) ?? Text("name", s.Name, 100) ?? Defined(s.Class) ?? Defined(s.Duration) ?? (FuzzGrid.Cell(s.CellId) is null ? "a cell that does not exist" : null)
        ?? Position(s.Lat, s.Lon, required: true)
        ?? (s.EffectiveAreaM2 is > 0 and <= ShelterRules.MaxAreaM2 ? null : $"area {s.EffectiveAreaM2}")
        ?? (s.AreaPerPersonM2 is >= 0.1 and <= 100 ? null : $"area per person {s.AreaPerPersonM2}")
        ?? (s.Capacity is >= 0 and <= ShelterRules.MaxCapacity && s.ExplicitCapacity is null or (>= 0 and <= ShelterRules.MaxCapacity) ? null : $"capacity {s.Capacity} ({s.ExplicitCapacity})")
        ?? (s.Entrances.Count > ShelterRules.MaxEntrances || s.Entrances.Select(e => e.Id).Distinct(StringComparer.Ordinal).Count() != s.Entrances.Count ? "too many entrances or one twice" : null)
        ?? s.Entrances.Select(e => Id("entrance id", e.Id) ?? Text("entrance name", e.Name, 100)
            ?? (e.Sources.Count is 0 or > ShelterRules.MaxSourcesPerEntrance ? $"entrance '{e.Id}' with {e.Sources.Count} sources" : null)
            ?? e.Sources.Select(src => DeviceOf(src.DeviceId) is null ? $"source device '{src.DeviceId}' not registered"
                : src.Door is { Length: 0 or > 64 } || src.Line is { Length: 0 or > 64 } ? "a door or line outside 1–64 characters" : null).FirstOrDefault(x => x is not null))
            .FirstOrDefault(x => x is not null);

    public static string? Reservoir(Reservoir r) =>
        Id("id", r.Id) ?? Text("name", r.Name, 100) ?? Position(r.Lat, r.Lon, required: false)
        ?? (r.Reaches ?? []).Select(x => x is null ? "a null reach"
            : Id("reach id", x.Id) ?? (x.Name is { Length: > 100 } ? $"reach name of {x.Name.Length} characters" : null)
            ?? (x.Spots ?? []).Select(s => s is null ? "a null spot" : SpotExists(s.SpotId) ? Bands(s.Bands) : $"spot '{s.SpotId}' that does not exist").FirstOrDefault(e => e is not null)
            ?? (x.Communities ?? []).Select(c => c is null ? "a null community" : FuzzGrid.Cell(c.CommunityId) is { Level: CellLevel.Community } ? Bands(c.Bands) : $"community '{c.CommunityId}' that is not a Community cell").FirstOrDefault(e => e is not null))
            .FirstOrDefault(e => e is not null);

    private static string? Bands(IReadOnlyList<FlowBand>? bands) =>
        bands is { Count: > 0 } && bands.All(b => b is not null && b.MaxFlowM3s > 0 && double.IsFinite(b.MaxFlowM3s) && b.TravelMinutes is >= 0 and <= 7 * 24 * 60) ? null : "flow bands out of range";

    private static string? Id(string what, string id) => TopicScheme.IsValidId(id) ? null : $"{what} '{Cut(id)}' is not 1–64 letters, digits, '-' or '_'";

    private static string? Text(string what, string text, int max) =>
        string.IsNullOrWhiteSpace(text) || text.Length > max ? $"{what} of {text.Length} characters (1–{max}, not blank)" : null;

    private static string? Defined<TEnum>(TEnum value) where TEnum : struct, Enum => Enum.IsDefined(value) ? null : $"{typeof(TEnum).Name} {value}";

    private static string? Position(double? lat, double? lon, bool required) =>
        required && (lat is null || lon is null) ? "no position"
        : lat is { } la && la is not (>= -90 and <= 90) || lon is { } lo && lo is not (>= -180 and <= 180) ? $"position {lat}, {lon} (WGS-84)"
        : null;

    private static bool InFrame(FramePoint p) => p.X is >= 0 and <= 1 && p.Y is >= 0 and <= 1;

    private static string? Url(string what, string url) =>
        url.Length > CameraRules.MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("rtsp" or "rtsps" or "http" or "https") || uri.UserInfo.Length > 0
            ? $"{what} '{Cut(url)}'" : null;

    private static string? Kind(string? id, Protocol.Messages.DeviceKind kind) =>
        id is null || DeviceOf(id)?.Kind == kind ? null : $"device '{Cut(id)}' is not a registered {kind}";

    private static string Cut(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
