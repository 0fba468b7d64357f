using System.Globalization;
using OpenCvSharp;
using SmartCommunity.Benchmarks.Harness;
using SmartCommunity.Vision.Detection;
using SmartCommunity.Vision.Frames;
using SmartCommunity.Vision.Lines;
using SmartCommunity.Vision.Pipeline;
using SmartCommunity.Vision.Sources;
using SmartCommunity.Vision.Zones;

namespace SmartCommunity.Benchmarks.Vision;

/// <summary>(c) How many 640×360 cameras at 5 fps one analysis thread keeps up with.</summary>
public sealed class CamerasPerCoreBenchmark : IBenchmark
{
    private const double DetectFps = 5;

    public string Name => "vision-cameras";

    public string Description => "640×360 cameras at 5 fps that one analysis thread sustains (CameraPipeline per camera, round-robin)";

    public async Task<BenchmarkReport> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var report = new BenchmarkReport(Name);
        var clip = await VisionBench.MakeClipAsync(options.WorkDirectory, options.Quick ? 10 : 60, cancellationToken);
        var frames = await VisionBench.DecodeAsync(clip, cancellationToken);
        var seconds = options.Quick ? 2.0 : 10.0;
        var previousThreads = Cv2.GetNumThreads();
        try
        {
            Cv2.SetNumThreads(1); // One core: OpenCV must not fan out behind our back.
            var motionOnly = Measure(frames, cameras: 120, withDetector: false, seconds);
            var withHog = Measure(frames, cameras: 8, withDetector: true, seconds);
            report.Add("cameras sustained, motion + tracking/zones/lines path", motionOnly / DetectFps, "cameras", "target 100 cameras", motionOnly / DetectFps / 100, 1.0);
            report.Add("frames analysed per CPU second, motion path", motionOnly, "frames/CPU s");
            report.Add("cameras sustained, plus HOG person detection on every motion frame", withHog / DetectFps, "cameras");
            report.Add("frames analysed per CPU second, with HOG", withHog, "frames/CPU s");
            report.Notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"Per core = frames per CPU second of one thread (clock_gettime(CLOCK_THREAD_CPUTIME_ID)), OpenCV limited to one thread. 120 (resp. 8) CameraPipelines, each with a water zone and a counting line, are fed round-robin from {frames.Count} pre-decoded frames of the clip (each camera starting at a different frame); for every camera the thread copies a frame into the pipeline's pooled frame (what the ffmpeg reader does), enqueues it and analyses it. {seconds} CPU-seconds after as long a warm-up."));
            report.Notes.Add("Decoding is not included: it runs in the ffmpeg processes (see vision-decode for its cost). In the clip about 80 % of frames have motion, so the HOG row is a worst case; on quiet cameras the detector does not run.");
        }
        finally
        {
            Cv2.SetNumThreads(previousThreads);
            VisionBench.Free(frames);
        }

        return report;
    }

    private static double Measure(List<Frame> frames, int cameras, bool withDetector, double seconds)
    {
        var pipelines = Enumerable.Range(0, cameras).Select(i => new CameraPipeline(
            new CameraPipelineOptions
            {
                CameraId = $"cam-{i}",
                Zones = [ZoneDefinition.Water("river", [new Point2f(300, 220), new Point2f(640, 220), new Point2f(640, 360), new Point2f(300, 360)])],
                Lines = [new CountingLineDefinition { Id = "door", A = new Point2f(320, 0), B = new Point2f(320, 359), InSide = new Point2f(600, 180) }],
            },
            new IdleSource(),
            withDetector ? new HogPersonDetector() : null)).ToList();
        try
        {
            var tick = 0;
            return VisionBench.Rate(seconds, () =>
            {
                for (var c = 0; c < pipelines.Count; c++)
                {
                    var p = pipelines[c];
                    var source = frames[(tick + (c * 7)) % frames.Count];
                    var frame = p.Pool.Rent();
                    source.RawBytes.CopyTo(frame.RawBytes);
                    frame.Timestamp = DateTimeOffset.UnixEpoch + TimeSpan.FromSeconds(tick / DetectFps);
                    p.Enqueue(frame);
                    p.AnalyseNext();
                    while (p.Events.TryRead(out _))
                    {
                        // The gateway would publish these.
                    }
                }

                tick++;
                return pipelines.Count;
            });
        }
        finally
        {
            pipelines.ForEach(p => p.Dispose());
        }
    }

    /// <summary>Frames come from the benchmark loop, not from a source.</summary>
    private sealed class IdleSource : IFrameSource
    {
        public (int Width, int Height, FramePixelFormat Format) Shape => (VisionBench.Width, VisionBench.Height, FramePixelFormat.Gray);

        public FrameSourceStop? LastStop => null;

        public IAsyncEnumerable<Frame> ReadFramesAsync(FramePool pool, CancellationToken cancellationToken) => AsyncEnumerable.Empty<Frame>();
    }
}
