using SmartCommunity.Vision.Hosting;
using SmartCommunity.Vision.Lines;
using SmartCommunity.Vision.Zones;

namespace SmartCommunity.EdgeAgent.Drivers.Camera;

/// <summary>
/// Settings of the <c>camera-analysis</c> driver: the camera's analysis stream and the zones and counting lines drawn
/// on its picture (fractions 0–1 of width and height, as in the gateway's camera registry).
/// </summary>
public sealed class CameraAnalysisSettings
{
    /// <summary>The sub stream: rtsp://user:password@host/… (credentials masked in every log line), http(s)://, or a file.</summary>
    public string Url { get; set; } = "";

    /// <summary>Detect rate. Default 5 fps.</summary>
    public double DetectFps { get; set; } = 5;

    /// <summary>Detect width. Default 640.</summary>
    public int DetectWidth { get; set; } = 640;

    /// <summary>Detect height. Default 360.</summary>
    public int DetectHeight { get; set; } = 360;

    public List<ZoneSetting> Zones { get; set; } = [];

    public List<LineSetting> Lines { get; set; } = [];

    /// <summary>The ffmpeg binary. Default <c>ffmpeg</c> from PATH.</summary>
    public string FfmpegPath { get; set; } = "ffmpeg";

    /// <summary>Path of ffprobe, which reads a recording's length so its frames get the times they were filmed. Default <c>ffprobe</c>.</summary>
    public string FfprobePath { get; set; } = "ffprobe";

    /// <summary>Seconds allowed for the first frame. Default 20.</summary>
    public double StartTimeoutSeconds { get; set; } = 20;

    /// <summary>Seconds without data before the stream counts as stalled and is restarted. Default 10.</summary>
    public double StallTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Where event snapshots (<c>{device}/{unix ms}-{n}.jpg</c>) and the latest picture (<c>{device}/latest.jpg</c>) are
    /// kept on the box; the event's <c>snapshot</c> field names the file relative to it. None: no snapshots. Default none.
    /// </summary>
    public string? SnapshotDirectory { get; set; }

    /// <summary>What is wrong with the settings, or null.</summary>
    internal string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Url))
        {
            return "Settings:Url is required (the camera's analysis stream).";
        }

        if (!double.IsFinite(DetectFps) || DetectFps is <= 0 or > 30)
        {
            return $"Settings:DetectFps {DetectFps} is outside 0 … 30.";
        }

        if (DetectWidth is < 64 or > 3840 || DetectHeight is < 64 or > 2160 || DetectWidth % 2 != 0 || DetectHeight % 2 != 0)
        {
            return $"Settings:DetectWidth × DetectHeight {DetectWidth}×{DetectHeight} must be even and within 64×64 … 3840×2160.";
        }

        if (StartTimeoutSeconds is < 1 or > 600 || StallTimeoutSeconds is < 1 or > 600)
        {
            return "Settings:StartTimeoutSeconds and StallTimeoutSeconds must be 1 … 600.";
        }

        try
        {
            _ = Regions();
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    internal (ZoneDefinition[] Zones, CountingLineDefinition[] Lines) Regions() =>
        ([.. Zones.Select(z => FractionalRegions.Zone(z.Id, z.Kind == ZoneSetting.DangerWater, z.Polygon.Select(p => (p.X, p.Y)), DetectWidth, DetectHeight))],
         [.. Lines.Select(l => FractionalRegions.Line(l.Id, (l.A.X, l.A.Y), (l.B.X, l.B.Y), (l.InSide.X, l.InSide.Y), DetectWidth, DetectHeight, l.MotionOnly))]);

    /// <summary>Person detection only where zones or person lines need it: motion-only lines cost no HOG.</summary>
    internal static bool NeedsDetector(ZoneDefinition[] zones, CountingLineDefinition[] lines) =>
        zones.Length > 0 || lines.Any(l => !l.MotionOnly);
}

/// <summary>A zone: <c>danger-water</c> (persons, with the persistence window against reflections) or <c>general</c>.</summary>
public sealed class ZoneSetting
{
    public const string DangerWater = "danger-water";

    public string Id { get; set; } = "";

    public string Kind { get; set; } = DangerWater;

    public List<PointSetting> Polygon { get; set; } = [];
}

/// <summary>A counting line from A to B; crossing towards InSide counts as "in".</summary>
public sealed class LineSetting
{
    public string Id { get; set; } = "";

    public PointSetting A { get; set; } = new();

    public PointSetting B { get; set; } = new();

    public PointSetting InSide { get; set; } = new();

    /// <summary>Count everything that moves across the line, without person detection (a shelter door where anything
    /// that moves is a person); otherwise only tracks the person detector classified (docs/vision.md). Default false.</summary>
    public bool MotionOnly { get; set; }
}

/// <summary>A point as fractions (0–1) of the picture's width and height.</summary>
public sealed class PointSetting
{
    public double X { get; set; }

    public double Y { get; set; }
}
