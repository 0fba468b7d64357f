using OpenCvSharp;
using SmartCommunity.Vision.Motion;
using SmartCommunity.Vision.Tests.Support;

namespace SmartCommunity.Vision.Tests.Motion;

public sealed class MotionDetectorTests : IDisposable
{
    private readonly SyntheticScene _scene = new();
    private readonly MotionDetector _detector = new();

    [Fact]
    public void AStaticSceneWithSensorNoiseNeverReportsMotion()
    {
        var started = 0;
        var boxes = 0;
        for (var i = 0; i < 150; i++)
        {
            using var frame = _scene.RenderFrame();
            var result = _detector.Detect(frame);
            started += result.Started ? 1 : 0;
            boxes += result.Boxes.Length;
        }

        Assert.Equal(0, started);
        Assert.Equal(0, boxes);
    }

    [Fact]
    public void AMovingObjectStartsMotionWithABoxAroundItAndEndsItWhenItStops()
    {
        Warm(20);
        var started = false;
        Rect? boxAtStart = null;
        var truth = default(Rect);
        for (var i = 0; i < 12 && !started; i++)
        {
            truth = new Rect(60 + (i * 25), 150, 40, 80);
            using var frame = _scene.RenderFrame(truth);
            var result = _detector.Detect(frame);
            if (result.Started)
            {
                started = true;
                boxAtStart = result.Boxes.ToArray().OrderByDescending(b => (b & truth).Width * (b & truth).Height).First();
            }
        }

        Assert.True(started);
        var overlap = boxAtStart!.Value & truth;
        Assert.True(overlap.Width * overlap.Height > truth.Width * truth.Height / 2, $"box {boxAtStart} vs object {truth}");

        // The object leaves the picture: motion ends after the debounce, not on the first still frame.
        var stillFramesUntilEnd = 0;
        for (var i = 0; i < 40; i++)
        {
            using var frame = _scene.RenderFrame();
            var result = _detector.Detect(frame);
            stillFramesUntilEnd++;
            if (result.Ended)
            {
                break;
            }
        }

        Assert.InRange(stillFramesUntilEnd, _detector.Options.EndFrames, 30);
    }

    [Fact]
    public void OneFrameOfMotionDoesNotStartMotionBecauseOfTheDebounce()
    {
        Warm(20);
        using (var blip = _scene.RenderFrame(new Rect(300, 100, 50, 50)))
        {
            var result = _detector.Detect(blip);
            Assert.True(result.HasMotion);
            Assert.False(result.Started);
        }

        for (var i = 0; i < 10; i++)
        {
            using var frame = _scene.RenderFrame();
            Assert.False(_detector.Detect(frame).Started);
        }
    }

    [Theory]
    [InlineData(70, true)]
    [InlineData(-60, true)]
    [InlineData(70, false)]
    [InlineData(-60, false)]
    public void AGlobalBrightnessJumpIsFollowedOrRecalibratedButNeverReportedAsMotion(int jump, bool follow)
    {
        // Following the step (default) or, with both followers off, Frigate's recalibration: either way no motion.
        using var detector = new MotionDetector(follow ? new MotionOptions() : new MotionOptions { BrightnessStep = 0, BackgroundLevelStep = 0 });
        for (var i = 0; i < 30; i++)
        {
            using var warm = _scene.RenderFrame();
            detector.Detect(warm);
        }

        _scene.Brightness = jump;
        var started = 0;
        var boxes = 0;
        var sawCalibrating = false;
        for (var i = 0; i < 100; i++)
        {
            using var frame = _scene.RenderFrame();
            var result = detector.Detect(frame);
            started += result.Started ? 1 : 0;
            boxes += result.Boxes.Length;
            sawCalibrating |= result.Calibrating;
        }

        Assert.Equal(0, started);
        if (follow)
        {
            Assert.Equal(0, boxes); // Not even a single-frame region: the stretch followed the step.
            Assert.False(sawCalibrating);
        }
        else
        {
            Assert.True(sawCalibrating);
        }

        using (var after = _scene.RenderFrame())
        {
            Assert.Equal(follow ? 1 : 0, detector.Detect(after).BrightnessSteps);
        }

        // Afterwards a real object is still seen.
        var detected = false;
        for (var i = 0; i < 10 && !detected; i++)
        {
            using var frame = _scene.RenderFrame(new Rect(100 + (i * 30), 120, 40, 80));
            detected = detector.Detect(frame).Started;
        }

        Assert.True(detected);
    }

    [Fact]
    public void TheMotionStepAllocatesNothingPerFrameOnceWarm()
    {
        // Pre-render a clip with a moving object so the loop below only runs detection.
        var frames = Enumerable.Range(0, 30).Select(i => _scene.RenderFrame(new Rect(20 + (i * 20), 140, 40, 80))).ToArray();
        try
        {
            for (var i = 0; i < 60; i++)
            {
                _detector.Detect(frames[i % frames.Length]);
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            var regions = 0;
            for (var i = 0; i < 400; i++)
            {
                regions += _detector.Detect(frames[i % frames.Length]).Boxes.Length;
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(regions > 0, "the clip must exercise the motion branch");
            Assert.True(allocated < 4096, $"{allocated} bytes allocated over 400 frames");
        }
        finally
        {
            foreach (var f in frames)
            {
                f.Dispose();
            }
        }
    }

    private void Warm(int frames)
    {
        for (var i = 0; i < frames; i++)
        {
            using var frame = _scene.RenderFrame();
            _detector.Detect(frame);
        }
    }

    public void Dispose()
    {
        _detector.Dispose();
        _scene.Dispose();
    }
}
