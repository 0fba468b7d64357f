using System.Text.Json;
using OpenCvSharp;
using SmartCommunity.EdgeAgent.Tests.Support;
using SmartCommunity.Gateway.Tests.VideoAnalysis;
using SmartCommunity.Vision.Tests.Support;
using Point = OpenCvSharp.Point;

namespace SmartCommunity.EdgeAgent.Tests.Drivers.Camera;

/// <summary>The camera-analysis driver on a real clip, publishing through the agent's outbox to a real mosquitto.</summary>
public sealed class CameraAnalysisDriverTests : IAsyncLifetime, IDisposable
{
    private const string CameraId = "43010200011320000077";
    private readonly TempDirectory _data = new();
    private readonly SyntheticClip _clips = new();
    private MosquittoProcess _broker = null!;
    private TestSubscriber _gateway = null!;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoProcess.StartAsync(persistent: true);
        _gateway = await TestSubscriber.ConnectAsync(_broker.Port);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _broker.DisposeAsync();
    }

    public void Dispose()
    {
        _clips.Dispose();
        _data.Dispose();
    }

    /// <summary>A doorway at x = 320 px, inside to the right: A in and B out together, then C in — 2 in, 1 out.</summary>
    private static void RenderDoorway(int i, Mat m)
    {
        m.SetTo(OpenCvSharp.Scalar.All(190));
        if (i is >= 12 and < 40)
        {
            StickFigure.Draw(m, new Point(130 + ((i - 12) * 14), 330), 130);
            StickFigure.Draw(m, new Point(510 - ((i - 12) * 14), 190), 130);
        }

        if (i is >= 50 and < 78)
        {
            StickFigure.Draw(m, new Point(130 + ((i - 50) * 14), 330), 130);
        }
    }

    private Dictionary<string, string?> Config(string url)
    {
        var config = TestAgent.Config(_broker.Port, _data.Path, CameraId, kind: "camera", driver: "camera-analysis");
        config["Devices:0:Settings:Url"] = url;
        config["Devices:0:Settings:SnapshotDirectory"] = Path.Combine(_data.Path, "snapshots");
        config["Devices:0:Settings:Lines:0:Id"] = "door";
        config["Devices:0:Settings:Lines:0:A:X"] = "0.5";
        config["Devices:0:Settings:Lines:0:A:Y"] = "0.1";
        config["Devices:0:Settings:Lines:0:B:X"] = "0.5";
        config["Devices:0:Settings:Lines:0:B:Y"] = "1.0";
        config["Devices:0:Settings:Lines:0:InSide:X"] = "0.95";
        config["Devices:0:Settings:Lines:0:InSide:Y"] = "0.5";
        return config;
    }

    [Fact]
    public async Task TheAgentAnalysesItsCameraAndPublishesLineCrossingsAsTheCameraDevice()
    {
        var clip = _clips.Make("doorway.mp4", 90, RenderDoorway);
        await using var agent = await TestAgent.StartAsync(Config(clip));

        await _gateway.WaitForAsync(m => Crossings(m).Count == 3, "three line crossings", TimeSpan.FromSeconds(60));
        var crossings = Crossings(_gateway.Messages);
        Assert.Equal(2, crossings.Count(c => c.GetProperty("direction").GetString() == "in"));
        Assert.Equal(1, crossings.Count(c => c.GetProperty("direction").GetString() == "out"));
        Assert.All(crossings, c => Assert.Equal("door", c.GetProperty("line").GetString()));
        Assert.All(crossings, c => Assert.Equal("person", c.GetProperty("label").GetString()));
        // The snapshot is kept on the box, named relative to the snapshot folder.
        Assert.All(crossings, c => Assert.True(File.Exists(Path.Combine(_data.Path, "snapshots", c.GetProperty("snapshot").GetString()!))));

        // Every event of the camera numbered by the device's publisher, gap-free.
        var events = _gateway.Sequenced(CameraId);
        Assert.Equal(Enumerable.Range(0, events.Count).Select(i => (long)i), events.Select(e => e.Seq).Order());
        Assert.Contains(events, e => e.Text.Contains("\"motion_start\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadSettingsStopTheAgentAtStartWithTheReason()
    {
        var config = Config("/no/such/clip.mp4");
        config["Devices:0:Settings:Lines:0:A:X"] = "1.5";
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await (await TestAgent.StartAsync(config)).DisposeAsync());
        Assert.Contains("1.5", error.ToString(), StringComparison.Ordinal);
    }

    private static List<JsonElement> Crossings(IReadOnlyList<TestSubscriber.Received> messages) =>
        [.. messages.Where(m => m.Leaf == "event" && m.Topic.Contains(CameraId, StringComparison.Ordinal))
            .Select(m => JsonDocument.Parse(m.Payload).RootElement)
            .Where(e => e.GetProperty("type").GetString() == "line_cross")];
}
