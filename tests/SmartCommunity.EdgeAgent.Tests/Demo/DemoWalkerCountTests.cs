using Microsoft.Extensions.Logging.Abstractions;
using SmartCommunity.EdgeAgent.Demo;
using SmartCommunity.EdgeAgent.Tests.Support;
using SmartCommunity.Vision.Detection;
using SmartCommunity.Vision.Events;
using SmartCommunity.Vision.Hosting;
using SmartCommunity.Vision.Lines;
using SmartCommunity.Vision.Pipeline;
using SmartCommunity.Vision.Sources;
using SmartCommunity.Vision.Zones;

namespace SmartCommunity.EdgeAgent.Tests.Demo;

/// <summary>
/// Issue 16: the demo's walkers are counted exactly. A camera's clip is rendered as the demo renders it
/// (deploy/demo-scenario.json against deploy/demo-community, pace 4), decoded by ffmpeg and analysed by the same frame
/// path the gateway runs for that camera (its seed line or danger-water zone, HOG-classified). The truth is the
/// scenario's own walkers.
/// </summary>
public sealed class DemoWalkerCountTests : IDisposable
{
    private const string GateCamera = "43010200011320000003";
    private const string BeachCamera = "43010200011320000001";
    private static readonly DateTimeOffset Origin = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private readonly string _data = Directory.CreateTempSubdirectory("sc-demo-walkers-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task EveryWalkerOfTheSchoolGateIsCountedOnceInItsDirection()
    {
        var plan = Plan();
        var walkers = plan.Scenario.LineWalkers.Where(w => w.Camera == GateCamera && w.Line == "school-gate").ToList();
        var (a, b, inSide) = plan.Seed.Line(GateCamera, "school-gate");
        var line = FractionalRegions.Line("school-gate", a, b, inSide, DemoClips.Width, DemoClips.Height);

        var events = await AnalyseAsync(plan, GateCamera, zones: [], lines: [line]);

        var crossings = events.Where(e => e.Kind == VisionEventKind.LineCross).ToList();
        Assert.Equal(walkers.Count(w => w.Direction == "in"), crossings.Count(e => e.Direction == CrossingDirection.In));
        Assert.Equal(walkers.Count(w => w.Direction == "out"), crossings.Count(e => e.Direction == CrossingDirection.Out));
        Assert.Equal(6, walkers.Count); // the scenario's three in and three out, so the test counts something
    }

    [Fact]
    public async Task TheBeachWalkerEntersTheDangerWaterOnceAndLeavesIt()
    {
        var plan = Plan();
        var walkers = plan.Scenario.Walkers.Where(w => w.Camera == BeachCamera).ToList();
        var zoneId = Assert.Single(walkers.Select(w => w.Zone).Distinct());
        var zone = FractionalRegions.Zone(zoneId, true, plan.Seed.ZonePolygon(BeachCamera, zoneId), DemoClips.Width, DemoClips.Height);

        var events = await AnalyseAsync(plan, BeachCamera, zones: [zone], lines: []);

        Assert.Equal(walkers.Count, events.Count(e => e.Kind == VisionEventKind.ZoneEnter && e.RegionId == zoneId));
        Assert.Equal(walkers.Count, events.Count(e => e.Kind == VisionEventKind.ZoneLeave && e.RegionId == zoneId));
    }

    private DemoPlan Plan() => DemoPlan.Create(new DemoOptions
    {
        Scenario = Path.Combine(RepositoryPaths.Root, "deploy", "demo-scenario.json"),
        Seed = Path.Combine(RepositoryPaths.Root, "deploy", "demo-community"),
        Speed = 4,
        DataDirectory = _data,
    }, Origin);

    /// <summary>Renders the camera's demo clip as the demo does and runs it, every frame, through the gateway's frame path.</summary>
    private static async Task<List<VisionEvent>> AnalyseAsync(DemoPlan plan, string cameraId, ZoneDefinition[] zones, CountingLineDefinition[] lines)
    {
        var camera = plan.Cameras.Single(c => c.Id == cameraId);
        Directory.CreateDirectory(Path.GetDirectoryName(camera.Clip)!);
        DemoClips.Render(camera.Clip, plan.Cycle, camera.Scripts, camera.Scene);
        var source = new FfmpegFrameSource(new FrameSourceOptions { Url = camera.Clip, Width = DemoClips.Width, Height = DemoClips.Height, Fps = DemoClips.Fps },
            TimeProvider.System, NullLogger<FfmpegFrameSource>.Instance);
        using var pipeline = new CameraPipeline(new CameraPipelineOptions { CameraId = cameraId, Zones = zones, Lines = lines, RestartAtEndOfStream = false, WaitWhenBehind = true },
            source, new HogPersonDetector());
        var events = new List<VisionEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await foreach (var frame in source.ReadFramesAsync(pipeline.Pool, timeout.Token))
        {
            pipeline.Enqueue(frame);
            pipeline.AnalyseNext();
            while (pipeline.Events.TryRead(out var e))
            {
                events.Add(e);
            }
        }

        while (pipeline.AnalyseNext())
        {
        }

        while (pipeline.Events.TryRead(out var e))
        {
            events.Add(e);
        }

        return events;
    }
}
