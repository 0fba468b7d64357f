using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.Video.Snapshots;
using SmartCommunity.Gateway.VideoAnalysis;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.VideoAnalysis;

/// <summary>
/// The real gateway (embedded broker, SQLite, every feature handler) with the frame path analysing cameras from a
/// test catalog, real ffmpeg decoding real clips, and a recorder among the ingest handlers.
/// </summary>
internal sealed class AnalysisTestBed : IAsyncDisposable
{
    private AnalysisTestBed(GatewayFactory gateway, RecordingHandler recorder, List<string> logs)
    {
        Gateway = gateway;
        Recorder = recorder;
        Logs = logs;
    }

    public GatewayFactory Gateway { get; }

    /// <summary>The video feature's camera registry: the real <see cref="ICameraCatalog"/>.</summary>
    public CameraRegistry Cameras => Gateway.Get<CameraRegistry>();

    /// <summary>The video feature's snapshot files: the real <see cref="ISnapshotStore"/>.</summary>
    public SnapshotStore Snapshots => Gateway.Get<SnapshotStore>();

    public RecordingHandler Recorder { get; }

    public List<string> Logs { get; }

    public VideoAnalysisService Analysis => Gateway.Get<VideoAnalysisService>();

    public static AnalysisTestBed Start(Dictionary<string, string?>? settings = null)
    {
        var recorder = new RecordingHandler();
        var logs = new List<string>();
        var all = new Dictionary<string, string?>
        {
            ["VideoAnalysis:StatusInterval"] = "00:00:00.200",
            ["VideoAnalysis:LatestPictureInterval"] = "00:00:01",
            // The product's 10 s: a clip read from disk "stalls" for 2 s only when the machine is starved (a CI run at
            // load 35 restarted the danger-water clip halfway, and its walker entered twice). Stall tests set their own.
            ["VideoAnalysis:StallTimeout"] = "00:00:10",
            ["VideoAnalysis:RestartDelay"] = "00:00:00.200",
            ["VideoAnalysis:MaxRestartDelay"] = "00:00:01",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        var gateway = new GatewayFactory(settings: all, services: s =>
        {
            s.AddSingleton<IDeviceMessageHandler>(recorder);
            s.AddSingleton<ILoggerProvider>(new ListLoggerProvider(logs));
        }).Start();
        return new AnalysisTestBed(gateway, recorder, logs);
    }

    /// <summary>Puts a camera in the registry (which also registers it as a device of kind camera).</summary>
    public void PutCamera(Camera camera) => Assert.Null(Cameras.Upsert(camera));

    public void RemoveCamera(string id) => Assert.True(Cameras.Delete(id));

    public EventMessage[] EventsOf(string cameraId, string? type = null) =>
        [.. Recorder.Events.Where(e => e.Device == cameraId && (type is null || e.Message.Type == type)).Select(e => e.Message)];

    public AnalysisView? View(string cameraId) => Analysis.View(cameraId);

    /// <summary>Waits until a file clip has been analysed to its end and its events have gone through ingest.</summary>
    public async Task WaitUntilEndedAsync(string cameraId, TimeSpan? timeout = null)
    {
        await Eventually.TrueAsync(() => View(cameraId)?.State == "ended", timeout ?? TimeSpan.FromSeconds(90), because: $"camera {cameraId} analyses its clip to the end");
        var published = View(cameraId)!.EventsPublished;
        await Eventually.TrueAsync(() => EventsOf(cameraId).Length >= published, because: "ingest dispatched every event");
    }

    public async Task<HttpClient> StaffAsync() => await Gateway.LoginAsync("ps");

    public long Metric(string line)
    {
        var found = Gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render().Split('\n').SingleOrDefault(l => l.StartsWith(line + " ", StringComparison.Ordinal));
        return found is null ? -1 : long.Parse(found[(line.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<AnalysisView?> GetViewAsync(HttpClient client, string cameraId) =>
        await client.GetFromJsonAsync<AnalysisView>($"/api/video/analysis/{cameraId}");

    public async ValueTask DisposeAsync() => await Gateway.DisposeAsync();
}
