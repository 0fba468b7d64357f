using System.Globalization;
using System.Text.Json;
using OpenCvSharp;
using SmartCommunity.Benchmarks.Harness;
using SmartCommunity.Vision.Motion;

namespace SmartCommunity.Benchmarks.Vision;

/// <summary>(a) Motion detection frames/s on one core: our C# path against the same algorithm in Python OpenCV.</summary>
public sealed class MotionVsPythonBenchmark : IBenchmark
{
    public string Name => "vision-motion";

    public string Description => "motion detector frames/s on one core, C# vs the same algorithm in Python OpenCV (python3-opencv)";

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
            // Same input for both: the raw grey frames our source decoded.
            var raw = Path.Combine(options.WorkDirectory, "frames.gray");
            await using (var file = File.Create(raw))
            {
                foreach (var f in frames)
                {
                    file.Write(f.RawBytes);
                }
            }

            Cv2.SetNumThreads(1); // One core for OpenCV, as the Python side does.
            var ourMotionFrames = 0;
            using (var warm = new MotionDetector())
            {
                foreach (var f in frames)
                {
                    ourMotionFrames += warm.Detect(f).HasMotion ? 1 : 0;
                }
            }

            // Interleave rounds so load from other jobs hits both alike; keep each side's best.
            double ours = 0, python = 0;
            var pythonMotionFrames = 0;
            for (var round = 0; round < (options.Quick ? 1 : 3); round++)
            {
                using (var detector = new MotionDetector())
                {
                    ours = Math.Max(ours, VisionBench.Rate(seconds, () =>
                    {
                        foreach (var f in frames)
                        {
                            detector.Detect(f);
                        }

                        return frames.Count;
                    }));
                }

                var (stdout, _) = await VisionBench.RunAsync("/usr/bin/python3", [VisionBench.BaselineScript(), raw, VisionBench.Width.ToString(CultureInfo.InvariantCulture), VisionBench.Height.ToString(CultureInfo.InvariantCulture), seconds.ToString(CultureInfo.InvariantCulture)], cancellationToken);
                using var json = JsonDocument.Parse(stdout);
                python = Math.Max(python, json.RootElement.GetProperty("fps").GetDouble());
                pythonMotionFrames = json.RootElement.GetProperty("motion_frames").GetInt32();
            }

            report.Add("C# motion detector, 1 thread", ours, "frames per CPU s", "Python OpenCV, same algorithm, 1 thread", ours / python, 2.0);
            report.Add("Python OpenCV motion detector, 1 thread", python, "frames per CPU s");
            report.Add("frames with motion, C#", ourMotionFrames, "frames");
            report.Add("frames with motion, Python", pythonMotionFrames, "frames");
            report.Notes.Add($"{frames.Count} frames of 640×360 grey (a {(options.Quick ? 10 : 60)} s clip decoded at 5 fps), passes repeated for {seconds} CPU-seconds after as long a warm-up, best of {(options.Quick ? 1 : 3)} interleaved rounds. Per core: both sides run OpenCV on one thread (Cv2.SetNumThreads(1) / cv2.setNumThreads(1)) and count frames per CPU second of that thread (clock_gettime(CLOCK_THREAD_CPUTIME_ID) / time.thread_time()), so load from other jobs on this shared machine does not count against either.");
            report.Notes.Add("The motion-frame counts cross-check that both implementations compute the same thing before their speed is compared.");
        }
        finally
        {
            Cv2.SetNumThreads(previousThreads);
            VisionBench.Free(frames);
        }

        return report;
    }
}
