using System.Globalization;
using OpenCvSharp;
using SmartCommunity.Benchmarks.Harness;
using SmartCommunity.Vision.Synthetic;

namespace SmartCommunity.Benchmarks.Vision;

/// <summary>
/// (issue 16) The two person detectors OpenCV ships without a download, on the accuracy benchmark's clips: the default
/// HOG people detector (Dalal–Triggs, 64×128 window, what <c>HogPersonDetector</c> uses) against the Daimler one
/// (48×96 window). Each searches every whole frame (same stride, scale step and hit threshold); a walker wholly in
/// view counts as found when a detection of a plausible height (0.7–2 × theirs) holds their centre; detections that
/// find no walker are false (on the empty water clip every one is). CPU time is this thread's, OpenCV on one thread.
/// </summary>
public sealed class DetectorComparisonBenchmark : IBenchmark
{
    public string Name => "vision-detectors";

    public string Description => "OpenCV's default HOG people detector against its Daimler model: walkers found, false detections, CPU per frame";

    public Task<BenchmarkReport> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        Cv2.SetNumThreads(1);
        var report = new BenchmarkReport(Name);
        IReadOnlyList<GroundTruthScene> scenes = options.Quick
            ? [GroundTruthScenes.ShelterEntrance(2, 1, seed: 1)]
            : [GroundTruthScenes.ShelterEntrance(5, 3, seed: 1), GroundTruthScenes.SideBySide(), GroundTruthScenes.Crowd(20, seed: 4), GroundTruthScenes.EmptyWater()];
        using var dalal = new HOGDescriptor();
        dalal.SetSVMDetector(HOGDescriptor.GetDefaultPeopleDetector());
        using var daimler = new HOGDescriptor(new Size(48, 96), new Size(16, 16), new Size(8, 8), new Size(8, 8), 9);
        daimler.SetSVMDetector(HOGDescriptor.GetDaimlerPeopleDetector());
        foreach (var (name, hog) in new[] { ("default (64×128)", dalal), ("Daimler (48×96)", daimler) })
        {
            var (walkers, found, falses, frames) = (0, 0, 0, 0);
            var cpu = TimeSpan.Zero;
            foreach (var scene in scenes)
            {
                using var luma = new Mat(scene.Clip.Height, scene.Clip.Width, MatType.CV_8UC1);
                for (var f = 0; f < scene.Clip.Frames; f++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    scene.Clip.Render(f, luma);
                    var before = NativeMethods.ThreadCpuTime();
                    var boxes = hog.DetectMultiScale(luma, out _, 0, new Size(8, 8), new Size(0, 0), 1.05, 2);
                    cpu += NativeMethods.ThreadCpuTime() - before;
                    frames++;
                    var (w, hit, unmatched) = Score(scene.Clip, f, boxes);
                    (walkers, found, falses) = (walkers + w, found + hit, falses + unmatched);
                }
            }

            report.Add($"{name}: walkers wholly in view found", walkers == 0 ? 0 : found / (double)walkers, $"of {walkers} walker-frames ({found})");
            report.Add($"{name}: false detections per frame", falses / (double)frames, $"{falses} in {frames} frames");
            report.Add($"{name}: CPU per whole frame", cpu.TotalMilliseconds / frames, "ms");
        }

        report.Notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"Clips: {string.Join(", ", scenes.Select(s => s.Name))}; 640×360 frames, walkers 130 px tall. Whole frames, stride 8, scale 1.05, hit threshold 0, grouping threshold 2."));
        return Task.FromResult(report);
    }

    /// <summary>Walkers wholly in view at <paramref name="frame"/>, how many a detection found, and detections that found none.</summary>
    private static (int Walkers, int Found, int False) Score(SyntheticClip clip, int frame, Rect[] boxes)
    {
        var used = new bool[boxes.Length];
        var (walkers, found) = (0, 0);
        foreach (var walker in clip.Walkers)
        {
            if (walker.FeetAt(frame) is not { } feet || feet.Y > clip.Height || feet.Y - walker.Height < 0 || feet.X < 20 || feet.X > clip.Width - 20)
            {
                continue;
            }

            walkers++;
            var centre = new Point2f(feet.X, feet.Y - (walker.Height / 2f));
            for (var i = 0; i < boxes.Length; i++)
            {
                var b = boxes[i];
                if (!used[i] && b.Height >= walker.Height * 0.7 && b.Height <= walker.Height * 2
                    && centre.X >= b.Left && centre.X < b.Right && centre.Y >= b.Top && centre.Y < b.Bottom)
                {
                    used[i] = true;
                    found++;
                    break;
                }
            }
        }

        return (walkers, found, used.Count(u => !u));
    }
}
