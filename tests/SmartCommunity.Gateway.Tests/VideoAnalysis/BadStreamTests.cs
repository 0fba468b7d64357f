using System.Net;
using System.Net.Sockets;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.VideoAnalysis;

/// <summary>Streams that cannot be read give a clear state, an error and a counter; the gateway and other cameras go on.</summary>
public sealed class BadStreamTests : IDisposable
{
    private const string Password = "camera-pass-9f3e";
    private readonly SyntheticClip _clips = new();

    public void Dispose() => _clips.Dispose();

    [Fact]
    public async Task AMissingFileAFileThatIsNotVideoAndAnUnreachableCameraAreReportedAndRestartedWithoutLeakingThePassword()
    {
        await using var bed = AnalysisTestBed.Start();
        var closedPort = ClosedPort();
        bed.PutCamera(TestCameras.Camera("cam-missing", Path.Combine(_clips.Folder, "no-such-file.mp4")));
        bed.PutCamera(TestCameras.Camera("cam-garbage", _clips.Garbage("garbage.mp4")));
        bed.PutCamera(TestCameras.Camera("cam-unreachable", $"http://127.0.0.1:{closedPort}/live", username: "admin", password: Password));

        foreach (var (camera, says) in new[] { ("cam-missing", "No such file"), ("cam-garbage", "Invalid data"), ("cam-unreachable", "Connection refused") })
        {
            await Eventually.TrueAsync(() => bed.View(camera) is { State: "restarting", SourceRestarts: >= 2 }, TimeSpan.FromSeconds(30), because: $"{camera} fails and is retried");
            var view = bed.View(camera)!;
            Assert.Equal("Failed", view.LastStopReason);
            Assert.Contains(says, view.LastError, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(0, view.FramesDecoded);
            await Eventually.TrueAsync(() => bed.Metric($"sc_video_analysis_source_restarts_total{{camera=\"{camera}\"}}") >= 2, because: "restarts reach /metrics");
        }

        using var staff = await bed.StaffAsync();
        var json = await staff.GetStringAsync("/api/video/analysis");
        Assert.Contains("cam-unreachable", json, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, json, StringComparison.Ordinal);
        lock (bed.Logs)
        {
            // The URL is logged without credentials: they are kept apart from it and reach ffmpeg only on its stdin.
            Assert.Contains(bed.Logs, l => l.Contains($"http://127.0.0.1:{closedPort}/live", StringComparison.Ordinal));
            Assert.DoesNotContain(bed.Logs, l => l.Contains(Password, StringComparison.Ordinal));
        }

        Assert.Equal(3, bed.Metric("sc_video_analysis_cameras{state=\"restarting\"}"));
    }

    [Fact]
    public async Task AStreamThatStopsIsDetectedAsStalledAndReconnected()
    {
        var recording = _clips.Make("live.ts", 25, (i, m) => m.SetTo(OpenCvSharp.Scalar.All(60 + (i * 4))));
        await using var camera = new StallingHttpStream(recording);
        await using var bed = AnalysisTestBed.Start(new() { ["VideoAnalysis:StallTimeout"] = "00:00:01" });
        bed.PutCamera(TestCameras.Camera("cam-stalls", camera.Url));

        try
        {
            await Eventually.TrueAsync(() => bed.View("cam-stalls") is { LastStopReason: "Stalled" } && camera.Connections >= 2, TimeSpan.FromSeconds(30),
                because: "the silent stream is killed as stalled and opened again");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} {System.Text.Json.JsonSerializer.Serialize(bed.View("cam-stalls"))}, {camera.Connections} connections", ex);
        }
        var view = bed.View("cam-stalls")!;
        Assert.True(view.FramesDecoded >= 25, $"{view.FramesDecoded} frames before the stall");
        Assert.True(view.SourceRestarts >= 1);
    }

    [Fact]
    public async Task RefusedSettingsAreReportedAndAChangeOrRemovalInTheCatalogRestartsOrStopsTheCamera()
    {
        await using var bed = AnalysisTestBed.Start();
        var outside = new CameraZone("z", ZoneKinds.DangerWater, [new(0.1, 0.1), new(1.5, 0.1), new(0.5, 0.9)]);
        var garbage = _clips.Garbage("garbage.mp4");
        bed.PutCamera(TestCameras.Camera("cam-conf", garbage, zones: [outside]));
        await Eventually.TrueAsync(() => bed.View("cam-conf")?.State == "invalid", because: "a point at x = 1.5 is off the picture");
        Assert.Contains("1.5", bed.View("cam-conf")!.LastError, StringComparison.Ordinal);
        Assert.Equal(1, bed.Metric("sc_video_analysis_invalid_config_total"));

        bed.PutCamera(TestCameras.Camera("cam-conf", garbage, zones: [outside with { Polygon = [new(0.1, 0.1), new(0.9, 0.1), new(0.5, 0.9)] }]));
        await Eventually.TrueAsync(() => bed.View("cam-conf")?.State == "restarting", TimeSpan.FromSeconds(30), because: "fixed settings start the pipeline");
        var first = bed.Analysis.AnalysisOf("cam-conf");

        // Another site: the edge agent analyses it now, so the gateway stops.
        bed.PutCamera(TestCameras.Camera("cam-conf", garbage, site: AnalysisSite.Edge));
        await Eventually.TrueAsync(() => bed.View("cam-conf") is null, because: "an edge-analysed camera is not analysed in the gateway");

        bed.PutCamera(TestCameras.Camera("cam-conf", garbage));
        await Eventually.TrueAsync(() => bed.Analysis.AnalysisOf("cam-conf") is { } again && again != first, because: "back to the gateway: a new pipeline");
        bed.RemoveCamera("cam-conf");
        await Eventually.TrueAsync(() => bed.View("cam-conf") is null, because: "a removed camera stops");
        using var staff = await bed.StaffAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/api/video/analysis/cam-conf")).StatusCode);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // Closed again when disposed: nothing listens there.
    }
}
