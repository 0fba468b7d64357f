using OpenCvSharp;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.VideoAnalysis;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Vision.Tests.Support;
using Point = OpenCvSharp.Point;

namespace SmartCommunity.Gateway.Tests.VideoAnalysis;

/// <summary>Real clips with known ground truth through the gateway's frame path and ingest.</summary>
public sealed class CountingAndMotionTests : IDisposable
{
    private const string Door = "cam-door";
    private const string Quiet = "cam-quiet";
    private readonly SyntheticClip _clips = new();

    public void Dispose() => _clips.Dispose();

    /// <summary>
    /// A shelter door: a vertical line at x = 320 px, inside to the right. People walk 14 px a frame: in along the floor
    /// (feet y = 330), out higher up (y = 190). Ground truth: A in and B out together, then C in, D out, E in — 3 in, 2 out.
    /// </summary>
    private static void RenderDoorway(int i, Mat m)
    {
        m.SetTo(OpenCvSharp.Scalar.All(190));
        void WalkIn(int from) => StickFigure.Draw(m, new Point(130 + ((i - from) * 14), 330), 130);
        void WalkOut(int from) => StickFigure.Draw(m, new Point(510 - ((i - from) * 14), 190), 130);
        if (i is >= 12 and < 40)
        {
            WalkIn(12);
            WalkOut(12);
        }

        if (i is >= 50 and < 78)
        {
            WalkIn(50);
        }

        if (i is >= 88 and < 116)
        {
            WalkOut(88);
        }

        if (i is >= 126 and < 154)
        {
            WalkIn(126);
        }
    }

    [Fact]
    public async Task PeopleCrossingACountingLineAreCountedExactlyPerDirectionAsLineCrossEvents()
    {
        var clip = _clips.Make("doorway.mp4", 165, RenderDoorway);
        await using var bed = AnalysisTestBed.Start();
        var line = new CameraLine("door", new FramePoint(0.5, 0.1), new FramePoint(0.5, 1.0), new FramePoint(0.95, 0.5));
        bed.PutCamera(TestCameras.Camera(Door, clip, lines: [line]));
        await bed.WaitUntilEndedAsync(Door);

        var crossings = bed.EventsOf(Door, EventTypes.LineCross);
        Assert.True(crossings.Length == 5, System.Text.Json.JsonSerializer.Serialize(bed.View(Door)) + "\n"
            + string.Join("\n", bed.EventsOf(Door).Select(e => $"{e.Seq} {e.Type} {e.Track} {e.Direction} {e.Zone}{e.Line}")));
        Assert.All(crossings, c => Assert.Equal("door", c.Line));
        Assert.All(crossings, c => Assert.Equal("person", c.Label));
        Assert.Equal(3, crossings.Count(c => c.Direction == EventTypes.DirectionIn));
        Assert.Equal(2, crossings.Count(c => c.Direction == EventTypes.DirectionOut));
        Assert.Equal(5, crossings.Select(c => c.Track).Distinct().Count()); // One crossing per person.
        var view = bed.View(Door)!;
        Assert.Equal(new LineCountView("door", 3, 2), Assert.Single(view.Lines));
        Assert.Equal(165, view.FramesAnalysed); // A recording is analysed whole: nothing dropped.
        Assert.Equal(0, view.FramesDropped);
        Assert.All(crossings, c => Assert.NotNull(bed.Snapshots.Find(Door, c.Snapshot!.Split('/')[^1])));
    }

    /// <summary>A textured static scene with sensor noise; at frame 40 the whole picture brightens by 60 (a lamp, IR switch).</summary>
    private static void RenderStaticScene(int i, Mat m)
    {
        m.SetTo(OpenCvSharp.Scalar.All(90));
        var blocks = new Random(7);
        for (var b = 0; b < 40; b++)
        {
            var rect = new Rect(blocks.Next(0, 600), blocks.Next(0, 320), blocks.Next(20, 120), blocks.Next(20, 90));
            Cv2.Rectangle(m, rect, OpenCvSharp.Scalar.All(blocks.Next(40, 170)), -1);
        }

        if (i >= 40)
        {
            Cv2.Add(m, OpenCvSharp.Scalar.All(60), m);
        }

        using var noise = new Mat(m.Size(), MatType.CV_8UC1);
        Cv2.Randu(noise, OpenCvSharp.Scalar.All(0), OpenCvSharp.Scalar.All(6));
        Cv2.Add(m, noise, m);
    }

    [Fact]
    public async Task AStaticSceneAndAGlobalBrightnessJumpRaiseNoMotion()
    {
        var clip = _clips.Make("static.mp4", 80, RenderStaticScene);
        await using var bed = AnalysisTestBed.Start();
        bed.PutCamera(TestCameras.Camera(Quiet, clip));
        await bed.WaitUntilEndedAsync(Quiet);

        var view = bed.View(Quiet)!;
        Assert.Equal(80, view.FramesAnalysed);
        Assert.Equal(0, view.DetectorRuns); // No zones or lines: no person detector at all.
        Assert.Empty(bed.EventsOf(Quiet));
        Assert.Equal(0, view.EventsPublished);
    }
}
