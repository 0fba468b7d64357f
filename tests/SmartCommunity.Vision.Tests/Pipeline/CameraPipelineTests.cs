using OpenCvSharp;
using SmartCommunity.Vision.Detection;
using SmartCommunity.Vision.Events;
using SmartCommunity.Vision.Lines;
using SmartCommunity.Vision.Pipeline;
using SmartCommunity.Vision.Tests.Support;
using SmartCommunity.Vision.Zones;

namespace SmartCommunity.Vision.Tests.Pipeline;

public sealed class CameraPipelineTests
{
    [Fact]
    public void AQueueOfTwoKeepsTheNewestFramesAndDropsAndCountsTheRestWhenAnalysisIsSlow()
    {
        using var pipeline = new CameraPipeline(new CameraPipelineOptions { CameraId = "cam-1" }, new ScriptedFrameSource(0, (_, _) => { }));
        for (var i = 0; i < 5; i++)
        {
            var frame = pipeline.Pool.Rent();
            frame.Luma.SetTo(Scalar.All(40 * i)); // Frame i is a flat grey of 40·i.
            pipeline.Enqueue(frame);
        }

        Assert.True(pipeline.AnalyseNext());
        Assert.True(pipeline.AnalyseNext());
        Assert.False(pipeline.AnalyseNext());
        var counters = pipeline.Counters;
        Assert.Equal(5, counters.FramesDecoded);
        Assert.Equal(3, counters.FramesDropped);
        Assert.Equal(2, counters.FramesAnalysed);

        // The snapshot is the last analysed frame, i.e. the newest: grey 160.
        using var snapshot = Cv2.ImDecode(pipeline.SnapshotJpeg()!, ImreadModes.Grayscale);
        Assert.InRange(Cv2.Mean(snapshot).Val0, 155, 165);

        // Dropped frames went straight back to the pool: never more than queue + one being filled existed.
        Assert.Equal(3, pipeline.Pool.Created);
    }

    [Fact]
    public void TheSteadyPathThroughAPipelineAllocatesNothingPerFrame()
    {
        // A quiet camera with a zone, a line and a detector: enqueue + motion + (no) detection + snapshot copy.
        Point2f[] river = [new(300, 220), new(640, 220), new(640, 360), new(300, 360)];
        using var pipeline = new CameraPipeline(
            new CameraPipelineOptions
            {
                CameraId = "quiet",
                Zones = [ZoneDefinition.Water("river", river)],
                Lines = [new CountingLineDefinition { Id = "door", A = new Point2f(320, 0), B = new Point2f(320, 359), InSide = new Point2f(600, 100) }],
            },
            new ScriptedFrameSource(0, (_, _) => { }),
            new HogPersonDetector());
        using var scene = new SyntheticScene();
        using var still = scene.RenderFrame();
        void OneFrame()
        {
            var frame = pipeline.Pool.Rent();
            still.RawBytes.CopyTo(frame.RawBytes);
            pipeline.Enqueue(frame);
            pipeline.AnalyseNext();
        }

        for (var i = 0; i < 50; i++)
        {
            OneFrame();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 300; i++)
        {
            OneFrame();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(350, pipeline.Counters.FramesAnalysed);
        Assert.True(allocated < 4096, $"{allocated} bytes over 300 frames");
    }

    [Fact]
    public void ThereIsNoSnapshotBeforeTheFirstFrame()
    {
        using var pipeline = new CameraPipeline(new CameraPipelineOptions { CameraId = "cam-1" }, new ScriptedFrameSource(0, (_, _) => { }));
        Assert.Null(pipeline.SnapshotJpeg());
    }

    [Fact]
    public async Task PeopleWalkingThroughADoorwayAreCountedPerDirectionEndToEnd()
    {
        // Door: a vertical line at x = 320; inside is to the right. Frames 0–11 are empty so motion calibrates.
        // A walks in along the floor (feet y = 330), B walks out higher up (feet y = 190), then C walks in.
        static void Render(int i, Mat m)
        {
            m.SetTo(Scalar.All(190));
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

        var door = new CountingLineDefinition { Id = "door", A = new Point2f(320, 40), B = new Point2f(320, 359), InSide = new Point2f(600, 200) };
        using var pipeline = new CameraPipeline(
            new CameraPipelineOptions { CameraId = "shelter-1", Lines = [door], RestartAtEndOfStream = false },
            new ScriptedFrameSource(90, Render),
            new HogPersonDetector());
        await AnalyseEveryFrame(pipeline, new ScriptedFrameSource(90, Render));

        var line = Assert.Single(pipeline.Lines);
        Assert.Equal(2, line.InCount);
        Assert.Equal(1, line.OutCount);
        var events = Drain(pipeline);
        Assert.Equal(3, events.Count(e => e.Kind == VisionEventKind.LineCross));
        Assert.Contains(events, e => e.Kind == VisionEventKind.MotionStart);
        Assert.Contains(events, e => e.Kind == VisionEventKind.MotionEnd);
        Assert.All(events, e => Assert.Equal("shelter-1", e.CameraId));
    }

    [Fact]
    public async Task APersonStandingInTheWaterIsReportedAfterThePersistenceWindowAndABriefOneIsNot()
    {
        // River: the right half below y = 200. A figure flickers there for 3 frames (a reflection), later a
        // figure walks in and stands still.
        static void Render(int i, Mat m)
        {
            m.SetTo(Scalar.All(190));
            if (i is >= 15 and < 18)
            {
                StickFigure.Draw(m, new Point(450, 320), 130);
            }

            if (i >= 30)
            {
                StickFigure.Draw(m, new Point(Math.Min(440, 300 + ((i - 30) * 20)), 320), 130);
            }
        }

        Point2f[] river = [new(340, 200), new(640, 200), new(640, 360), new(340, 360)];
        using var pipeline = new CameraPipeline(
            new CameraPipelineOptions { CameraId = "river-2", Zones = [ZoneDefinition.Water("river", river)], RestartAtEndOfStream = false },
            new ScriptedFrameSource(70, Render),
            new HogPersonDetector());
        await AnalyseEveryFrame(pipeline, new ScriptedFrameSource(70, Render));

        var enter = Assert.Single(Drain(pipeline), e => e.Kind == VisionEventKind.ZoneEnter);
        Assert.Equal("river", enter.RegionId);
        Assert.Equal("person", enter.Label);
        // The figure's feet pass x = 340 at frame 32; 10 frames and 2 s later at the earliest.
        Assert.True(enter.Timestamp >= ScriptedFrameSource.Start + TimeSpan.FromMilliseconds(200 * 42), $"entered at {enter.Timestamp:HH:mm:ss.fff}");
        Assert.Equal(1, pipeline.Zones[0].OccupantCount);
    }

    [Fact]
    public async Task ASchedulerAnalysesWhatTheQueueKeptAfterABurstAndTheCountsAddUp()
    {
        using var pipeline = new CameraPipeline(
            new CameraPipelineOptions { CameraId = "cam-9", RestartAtEndOfStream = false },
            new ScriptedFrameSource(20, (i, m) => m.SetTo(Scalar.All(100))));

        // Decode the whole burst before any worker runs: the consumer is as slow as it gets.
        using var cts = new CancellationTokenSource();
        await pipeline.RunSourceAsync(cts.Token);
        var scheduler = new PipelineScheduler(workers: 1);
        scheduler.Attach(pipeline);
        var workers = scheduler.RunAsync(cts.Token);
        await pipeline.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        await cts.CancelAsync();
        await workers;

        var c = pipeline.Counters;
        Assert.Equal(20, c.FramesDecoded);
        Assert.Equal(18, c.FramesDropped);
        Assert.Equal(2, c.FramesAnalysed);
    }

    /// <summary>Analyses every frame right after it is decoded: ground truth needs every frame, none dropped.</summary>
    private static async Task AnalyseEveryFrame(CameraPipeline pipeline, ScriptedFrameSource source)
    {
        await foreach (var frame in source.ReadFramesAsync(pipeline.Pool, CancellationToken.None))
        {
            pipeline.Enqueue(frame);
            Assert.True(pipeline.AnalyseNext());
        }

        Assert.Equal(0, pipeline.Counters.FramesDropped);
    }

    private static List<VisionEvent> Drain(CameraPipeline pipeline)
    {
        var events = new List<VisionEvent>();
        while (pipeline.Events.TryRead(out var e))
        {
            events.Add(e);
        }

        return events;
    }
}
