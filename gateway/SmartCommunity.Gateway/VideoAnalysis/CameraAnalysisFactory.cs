using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Vision.Detection;
using SmartCommunity.Vision.Hosting;
using SmartCommunity.Vision.Lines;
using SmartCommunity.Vision.Pipeline;
using SmartCommunity.Vision.Sources;
using SmartCommunity.Vision.Zones;
using SmartCommunity.Media;

namespace SmartCommunity.Gateway.VideoAnalysis;

/// <summary>Turns a registered camera into its pipeline: stream URL with credentials, detect rate and size, zones and lines in pixels.</summary>
internal static class CameraAnalysisFactory
{
    /// <summary>Builds the pipeline options; throws <see cref="ArgumentException"/> naming what is wrong with the camera's settings.</summary>
    public static CameraPipelineOptions PipelineOptions(Camera camera, VideoAnalysisOptions options)
    {
        var (width, height) = (camera.Analysis.DetectWidth, camera.Analysis.DetectHeight);
        if (width is < 64 or > 3840 || height is < 64 or > 2160)
        {
            throw new ArgumentException($"Detect size {width}×{height} is outside 64×64 … 3840×2160.");
        }

        return new CameraPipelineOptions
        {
            CameraId = camera.Id,
            Zones = [.. camera.Zones.Select(z => Zone(z, width, height))],
            Lines = [.. camera.Lines.Select(l => Line(l, width, height))],
            // A file is a recording, not a camera: analysed once and whole (every frame, as fast as the workers go).
            // A live stream that ends is restarted, and when analysis falls behind its oldest frame is dropped.
            RestartAtEndOfStream = MediaUrl.IsLive(camera.Streams.AnalysisUrl),
            WaitWhenBehind = !MediaUrl.IsLive(camera.Streams.AnalysisUrl),
            RestartDelay = options.RestartDelay,
            MaxRestartDelay = options.MaxRestartDelay,
        };
    }

    /// <param name="recordedAt">When a recording's footage began (its frames get the times they were filmed); null for a live stream.</param>
    public static FrameSourceOptions SourceOptions(Camera camera, VideoAnalysisOptions options, DateTimeOffset? recordedAt = null)
    {
        var fps = camera.Analysis.DetectFps;
        if (!double.IsFinite(fps) || fps is <= 0 or > 30)
        {
            throw new ArgumentException($"Detect rate {fps} fps is outside 0 … 30.");
        }

        return new FrameSourceOptions
        {
            // Credentials stay beside the URL: ffmpeg reads them from its stdin (the ffmpeg module's input list).
            Url = camera.Streams.AnalysisUrl,
            Username = camera.Streams.Username,
            Password = camera.Streams.Password,
            Width = camera.Analysis.DetectWidth,
            Height = camera.Analysis.DetectHeight,
            Fps = fps,
            FfmpegPath = options.FfmpegPath,
            StartTimeout = options.StartTimeout,
            StallTimeout = options.StallTimeout,
            RecordedAt = recordedAt,
        };
    }

    /// <summary>Person detection only where zones or person lines need it: motion-only lines cost no HOG.</summary>
    public static IObjectDetector? Detector(Camera camera) => camera.Zones.Count > 0 || camera.Lines.Any(l => !l.MotionOnly) ? new HogPersonDetector() : null;

    /// <summary>What a running pipeline depends on; a change restarts it. Hashed, because it includes the password.</summary>
    public static string Fingerprint(Camera camera)
    {
        var json = JsonSerializer.Serialize(new object?[]
        {
            camera.Streams.AnalysisUrl, camera.Streams.Username, camera.Streams.Password, camera.Analysis.Site.ToString(),
            camera.Analysis.DetectFps, camera.Analysis.DetectWidth, camera.Analysis.DetectHeight,
            camera.Zones.Select(z => new object[] { z.Id, z.Kind, z.Polygon.Select(p => new[] { p.X, p.Y }) }),
            camera.Lines.Select(l => new object[] { l.Id, new[] { l.A.X, l.A.Y, l.B.X, l.B.Y, l.InSide.X, l.InSide.Y }, l.MotionOnly }),
        });
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }

    private static ZoneDefinition Zone(CameraZone zone, int width, int height) =>
        FractionalRegions.Zone(zone.Id, string.Equals(zone.Kind, ZoneKinds.DangerWater, StringComparison.Ordinal),
            zone.Polygon.Select(p => (p.X, p.Y)), width, height);

    private static CountingLineDefinition Line(CameraLine line, int width, int height) =>
        FractionalRegions.Line(line.Id, (line.A.X, line.A.Y), (line.B.X, line.B.Y), (line.InSide.X, line.InSide.Y), width, height, line.MotionOnly);
}
