using System.Net.Http.Json;
using System.Text.Json;
using OpenCvSharp;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Alerts.Engine;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Testing;
using SmartCommunity.Vision.Tests.Support;
using Point = OpenCvSharp.Point;

namespace SmartCommunity.Gateway.Tests.VideoAnalysis;

/// <summary>
/// Issue 16: a camera whose stream is a recording (a file) is analysed faster than real time. Its events carry the
/// times the footage was filmed, not times in the future that the events list hides until the clock catches up, and
/// the camera going quiet once the file is analysed is not an outage.
/// </summary>
public sealed class RecordedFileTests : IDisposable
{
    private const string Camera = "cam-recorded";
    private readonly SyntheticClip _clips = new();

    public void Dispose() => _clips.Dispose();

    [Fact]
    public async Task AFileAnalysedFasterThanRealTimeGetsTheTimesItWasFilmedAndItsCameraIsNotTakenOfflineAfterIt()
    {
        // 24 s of footage (120 frames at 5 fps): one person walks across a doorway line, left to right.
        var clip = _clips.Make("recorded.mp4", 120, (i, m) =>
        {
            m.SetTo(OpenCvSharp.Scalar.All(190));
            if (i is >= 40 and < 70)
            {
                StickFigure.Draw(m, new Point(130 + ((i - 40) * 14), 330), 130);
            }
        });
        var finished = DateTimeOffset.UtcNow.AddHours(-1);
        File.SetLastWriteTimeUtc(clip, finished.UtcDateTime); // Filmed an hour ago: it ended then.

        await using var bed = AnalysisTestBed.Start(new() { ["Ingest:SilenceTimeout"] = "00:00:05" });
        var line = new CameraLine("door", new FramePoint(0.5, 0.1), new FramePoint(0.5, 1.0), new FramePoint(0.95, 0.5)) { MotionOnly = true };
        bed.PutCamera(TestCameras.Camera(Camera, clip, lines: [line]));
        await bed.WaitUntilEndedAsync(Camera);

        // The crossing happened between 40 and 70 frames (8–14 s) into footage that began 24 s before it ended.
        var crossing = Assert.Single(bed.EventsOf(Camera, EventTypes.LineCross));
        var began = finished.AddSeconds(-24).ToUnixTimeMilliseconds();
        Assert.InRange(crossing.Ts, began + 7_000, began + 15_000);
        Assert.Null(crossing.DeviceTs); // a plausible time, kept as the camera said

        using var staff = await bed.StaffAsync();
        var listed = default(JsonElement);
        await Eventually.TrueAsync(async () => (listed = await staff.GetFromJsonAsync<JsonElement>($"/api/video/events?camera={Camera}&type={EventTypes.LineCross}")).GetArrayLength() == 1,
            because: "the events list (the last day by default) shows the crossing at once, not when the clock catches up");
        Assert.Equal(crossing.Ts, listed[0].GetProperty("event").GetProperty("at").GetDateTimeOffset().ToUnixTimeMilliseconds());

        // Long past the silence timeout the camera is still online: the file ended, the camera did not fail.
        var camera = bed.Gateway.Get<DeviceRegistry>().Get(Camera)!;
        Assert.True(camera.Online, "the camera came online with its first event");
        await Task.Delay(TimeSpan.FromSeconds(6));
        bed.Gateway.Get<DevicePresence>().CheckSilence();
        Assert.True(camera.Online, "a recording that was analysed to its end is not an outage");
        await bed.Gateway.Get<AlertEngine>().FlushAsync();
        Assert.DoesNotContain(bed.Gateway.Get<AlertStore>().List(new AlertQuery(OpenOnly: true, Limit: 1000), null), a => a.Source.Id == Camera);
    }
}
