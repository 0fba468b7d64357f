using System.Text.Json.Serialization;

namespace SmartCommunity.Gateway.Video.Cameras;

/// <summary>
/// A 雪亮 camera: its GB/T 28181 code (also its device ID, kind <c>camera</c>), where it is, its streams, the zones
/// and counting lines drawn on its picture, and how it is recorded and analysed.
/// </summary>
public sealed record Camera(
    string Id,
    string Name,
    string CellId,
    double? Lat,
    double? Lon,
    CameraStreams Streams,
    IReadOnlyList<CameraZone> Zones,
    IReadOnlyList<CameraLine> Lines,
    RecordingPolicy Recording,
    AnalysisPolicy Analysis);

/// <summary>
/// Main stream (recorded) and sub stream (analysed, usually 640×360): RTSP, or HTTP/file URLs in tests. The
/// credentials are kept apart from the URLs so that a URL can be shown and logged; they never are.
/// </summary>
public sealed record CameraStreams(string MainUrl, string? SubUrl, string? Username, string? Password)
{
    /// <summary>The stream analysed: the sub stream when there is one.</summary>
    public string AnalysisUrl => SubUrl ?? MainUrl;

    // Records print every property; a camera's password must not reach a log line through ToString.
    public override string ToString() => $"CameraStreams {{ MainUrl = {MainUrl}, SubUrl = {SubUrl}, Username = {Username}, Password = {(Password is null ? "" : "***")} }}";
}

/// <summary>A point on the picture as a fraction of its width and height (0–1), so zones survive a resolution change.</summary>
public readonly record struct FramePoint(double X, double Y);

/// <summary>Kinds of zone. <see cref="DangerWater"/> zones feed the drowning-risk loop (a person there for long enough).</summary>
public static class ZoneKinds
{
    public const string DangerWater = "danger-water";
    public const string General = "general";
}

/// <summary>A polygon on the picture (at least three points). Its ID is what <c>zone_enter</c>/<c>zone_leave</c> events carry;
/// <see cref="Name"/> is what people read (“沙洲滩水边”), optional so seeds written before it still load.</summary>
public sealed record CameraZone(string Id, string Kind, IReadOnlyList<FramePoint> Polygon, string? Name = null);

/// <summary>A counting line from <see cref="A"/> to <see cref="B"/>; crossing towards <see cref="InSide"/> counts as "in".
/// <see cref="MotionOnly"/>: count everything that moves across it, without person detection (a shelter door, where
/// anything that moves is a person); otherwise only tracks the person detector classified (docs/vision.md).</summary>
public sealed record CameraLine(string Id, FramePoint A, FramePoint B, FramePoint InSide, bool MotionOnly = false, string? Name = null);

/// <summary>Whether and how the main stream is recorded: segment length and days kept.</summary>
public sealed record RecordingPolicy(bool Enabled, int SegmentSeconds, int RetentionDays)
{
    public static RecordingPolicy Default { get; } = new(Enabled: true, SegmentSeconds: 10, RetentionDays: 30);
}

/// <summary>Where the picture is analysed. On the wire (API, seed): <c>off</c>, <c>gateway</c>, <c>edge</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AnalysisSite>))]
public enum AnalysisSite
{
    /// <summary>Not analysed.</summary>
    [JsonStringEnumMemberName("off")]
    Off,

    /// <summary>In the gateway: a plain 雪亮 camera with no box of its own.</summary>
    [JsonStringEnumMemberName("gateway")]
    Gateway,

    /// <summary>In the camera's edge agent, which publishes the events over MQTT.</summary>
    [JsonStringEnumMemberName("edge")]
    Edge,
}

/// <summary>Where the sub stream is analysed, at which rate and detect resolution (default 5 fps, 640×360).</summary>
public sealed record AnalysisPolicy(AnalysisSite Site, double DetectFps, int DetectWidth, int DetectHeight)
{
    public static AnalysisPolicy Default { get; } = new(AnalysisSite.Gateway, DetectFps: 5, DetectWidth: 640, DetectHeight: 360);
}

/// <summary>The cameras the gateway knows. Raises <see cref="Changed"/> with the camera's ID after any add, change or removal.</summary>
public interface ICameraCatalog
{
    IReadOnlyCollection<Camera> All { get; }

    Camera? Find(string id);

    event Action<string>? Changed;
}
