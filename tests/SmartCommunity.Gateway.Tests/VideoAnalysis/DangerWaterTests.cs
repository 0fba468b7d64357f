using System.Text;
using System.Text.Json;
using MQTTnet;
using OpenCvSharp;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Alerts.Engine;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.Tests.WaterSafety;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.WaterSafety.Risk;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Testing;
using Point = OpenCvSharp.Point;

using SmartCommunity.Vision.Tests.Support;

namespace SmartCommunity.Gateway.Tests.VideoAnalysis;

/// <summary>
/// A real clip through the gateway's frame path: a 3-frame "reflection", then a person walking into the spot's
/// danger-water zone. Only the person raises <c>zone_enter</c>, after the persistence window, and it reaches the
/// water-safety responder (red alert with the snapshot, loudspeaker told to play the warning).
/// </summary>
public sealed class DangerWaterTests : IDisposable
{
    private readonly SyntheticClip _clips = new();

    /// <summary>The danger water: the lower right of the picture (x ≥ 320 px, y ≥ 198 px at 640×360).</summary>
    private static readonly CameraZone Water = new(WaterSafetyTestBed.Zone, ZoneKinds.DangerWater,
        [new(0.5, 0.55), new(1.0, 0.55), new(1.0, 1.0), new(0.5, 1.0)]);

    public void Dispose() => _clips.Dispose();

    /// <summary>
    /// Frames 0–11 empty (motion calibrates); 12–14 a figure flickers in the water (a reflection); 40–47 a person walks
    /// from x = 150 towards the water, 20 px a frame, crossing into the zone at frame 49 (x = 330) and standing at
    /// x = 480 until frame 89; then the picture is empty again.
    /// </summary>
    private static void Render(int i, Mat m)
    {
        m.SetTo(OpenCvSharp.Scalar.All(190));
        if (i is >= 12 and <= 14)
        {
            StickFigure.Draw(m, new Point(480, 330), 130);
        }

        if (i is >= 40 and < 90)
        {
            StickFigure.Draw(m, new Point(Math.Min(150 + ((i - 40) * 20), 480), 330), 130);
        }
    }

    [Fact]
    public async Task APersonWalkingIntoTheDangerWaterRaisesZoneEnterOnlyAfterThePersistenceWindowAndTheLoudspeakerSpeaks()
    {
        var clip = _clips.Make("danger-water.mp4", 110, Render);
        await using var bed = AnalysisTestBed.Start();
        var gateway = bed.Gateway;
        await WaterSafetyTestBed.PutSpotAsync(gateway);
        await RaiseRiverRiskAsync(gateway);

        using var speaker = await gateway.ConnectDeviceAsync(TestCommunity.Speaker);
        var commands = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        speaker.ApplicationMessageReceivedAsync += e =>
        {
            commands.TrySetResult(JsonDocument.Parse(Encoding.UTF8.GetString(e.ApplicationMessage.Payload)).RootElement.Clone());
            return Task.CompletedTask;
        };
        await speaker.SubscribeAsync(TopicScheme.Command(TestCommunity.Speaker), MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);

        bed.PutCamera(TestCameras.Camera(TestCommunity.Camera, clip, zones: [Water]));
        await bed.WaitUntilEndedAsync(TestCommunity.Camera);

        // Exactly one person entered: the reflection never did.
        var enters = bed.EventsOf(TestCommunity.Camera, EventTypes.ZoneEnter);
        Assert.True(enters.Length == 1, Describe(bed));
        var enter = enters[0];
        Assert.Equal(WaterSafetyTestBed.Zone, enter.Zone);
        Assert.Equal("person", enter.Label);
        Assert.NotNull(enter.Track);
        Assert.InRange(enter.Confidence!.Value, 0.0, 1.0);

        // Persistence: the feet were in the water from frame 49; motion of the walk started at frame 41 (two motion
        // frames, 40 and 41). The window is 10 frames and 2 s, so zone_enter is at least 2 s after frame 49:
        // ≥ (49 − 41) × 0.2 s + 2 s = 3.6 s after motion_start, allowing one frame's slack in the motion debounce.
        var motionStarts = bed.EventsOf(TestCommunity.Camera, EventTypes.MotionStart);
        Assert.Equal(2, motionStarts.Length); // The flicker and the walk.
        Assert.InRange(enter.Ts - motionStarts[1].Ts, 3400, 6000);
        var leave = Assert.Single(bed.EventsOf(TestCommunity.Camera, EventTypes.ZoneLeave));
        Assert.Equal(enter.Track, leave.Track);

        // Sequence numbers: every event of the camera, gap-free from 0, in one boot.
        var all = bed.EventsOf(TestCommunity.Camera);
        Assert.Equal(Enumerable.Range(0, all.Length).Select(i => (long)i), all.Select(e => e.Seq));
        Assert.Single(all.Select(e => e.Boot).Distinct());

        // The responder: voice deterrent on the loudspeaker, a red alert with the event's snapshot as evidence.
        var command = await commands.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("play_voice", command.GetProperty("type").GetString());
        Assert.Equal(DangerZoneResponder.Clip, command.GetProperty("clip").GetString());
        var store = gateway.Get<AlertStore>();
        await Eventually.TrueAsync(() => store.List(new AlertQuery(OpenOnly: true, Limit: 100), null).Any(a => a.Type == "danger_zone_person"),
            because: "the responder raised its alert");
        var alert = store.List(new AlertQuery(OpenOnly: true, Limit: 100), null).Single(a => a.Type == "danger_zone_person");
        Assert.Equal(AlertLevel.Red, alert.Level);
        var evidence = Assert.Single(alert.Evidence, e => e.Kind == "snapshot");
        Assert.Equal(enter.Snapshot, evidence.Uri);
        using var picture = Cv2.ImRead(bed.Snapshots.Find(TestCommunity.Camera, enter.Snapshot!.Split('/')[^1])!, ImreadModes.Grayscale);
        Assert.Equal(new Size(640, 360), picture.Size());
        // The latest picture was kept fresh too (at its low rate, not per frame).
        Assert.NotNull(bed.Snapshots.Latest(TestCommunity.Camera));
    }

    private static string Describe(AnalysisTestBed bed)
    {
        lock (bed.Logs)
        {
            return JsonSerializer.Serialize(bed.View(TestCommunity.Camera)) + "\n" + string.Join("\n", bed.EventsOf(TestCommunity.Camera).Select(e => JsonSerializer.Serialize(e)))
                + "\n" + string.Join("\n", bed.Logs.Where(l => l.Contains("Vision", StringComparison.Ordinal) || l.Contains("VideoAnalysis", StringComparison.Ordinal) || l.Contains("Refused", StringComparison.Ordinal)).Take(40));
        }
    }

    /// <summary>Twenty minutes of a river rising 1.5 m/h past the danger line, as a station's backlog: risk orange or red.</summary>
    private static async Task RaiseRiverRiskAsync(GatewayFactory gateway)
    {
        var monitor = gateway.Get<SpotMonitor>();
        using var station = await gateway.ConnectDeviceAsync(TestCommunity.LevelStation);
        var start = Payloads.NowMs - (20 * 60_000);
        for (var i = 0; i < 40; i++)
        {
            await station.PublishAsync(TopicScheme.Telemetry(TestCommunity.LevelStation), Payloads.Level(i + 1, 32.0 + (1.5 * i * 30 / 3600), start + (i * 30_000L)));
        }

        await Eventually.TrueAsync(() => monitor.State(WaterSafetyTestBed.SpotId).Level >= RiskLevel.Orange, because: "the rising river makes the spot risky");
    }
}
