using SmartCommunity.Vision.Detection;
using SmartCommunity.Vision.Events;
using SmartCommunity.Vision.Geometry;
using SmartCommunity.Vision.Pipeline;

namespace SmartCommunity.Vision.Synthetic;

/// <summary>One line's counts against the truth.</summary>
public sealed record LineScore(string Line, int TrueIn, int TrueOut, long CountedIn, long CountedOut)
{
    /// <summary>|counted − true| over true crossings, both directions together (0 when both are 0).</summary>
    public double CountError => TrueIn + TrueOut == 0
        ? (CountedIn + CountedOut == 0 ? 0 : 1)
        : (Math.Abs(CountedIn - TrueIn) + Math.Abs(CountedOut - TrueOut)) / (double)(TrueIn + TrueOut);

    public bool Exact => TrueIn == CountedIn && TrueOut == CountedOut;
}

/// <summary>One zone's entries against the truth: matched (a true entry's walker was in the zone then), false, missed.</summary>
public sealed record ZoneScore(string Zone, int TrueEntries, int Matched, int FalseEntries)
{
    public int Missed => TrueEntries - Matched;
}

/// <summary>What analysis made of a scene.</summary>
public sealed record SceneScore(string Scene, int Frames, IReadOnlyList<LineScore> Lines, IReadOnlyList<ZoneScore> Zones, long DetectorRuns);

/// <summary>
/// Runs a <see cref="GroundTruthScene"/> through a real <see cref="CameraPipeline"/> (motion, the detector, the
/// tracker, zones and lines; every frame analysed, none dropped) and scores it against the scene's truth.
/// </summary>
public static class GroundTruthScorer
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);

    /// <param name="scene">The clip and its lines and zones.</param>
    /// <param name="detector">The person detector, or null for none (only motion-only lines then count).</param>
    public static async Task<SceneScore> RunAsync(GroundTruthScene scene, IObjectDetector? detector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scene);
        var source = new SyntheticFrameSource(scene.Clip, Start);
        using var pipeline = new CameraPipeline(
            new CameraPipelineOptions { CameraId = scene.Name, Lines = scene.Lines, Zones = scene.Zones, RestartAtEndOfStream = false },
            source, detector);
        var events = new List<VisionEvent>();
        await foreach (var frame in source.ReadFramesAsync(pipeline.Pool, cancellationToken).ConfigureAwait(false))
        {
            pipeline.Enqueue(frame);
            pipeline.AnalyseNext();
            while (pipeline.Events.TryRead(out var e))
            {
                events.Add(e);
            }
        }

        return Score(scene, pipeline, events);
    }

    private static SceneScore Score(GroundTruthScene scene, CameraPipeline pipeline, List<VisionEvent> events)
    {
        var lines = new List<LineScore>();
        foreach (var counter in pipeline.Lines)
        {
            var truth = scene.Clip.Crossings(counter.Line);
            lines.Add(new LineScore(counter.Line.Id, truth.Count(c => c.Direction == CrossingDirection.In), truth.Count(c => c.Direction == CrossingDirection.Out),
                counter.InCount, counter.OutCount));
        }

        var zones = new List<ZoneScore>();
        foreach (var zone in scene.Zones)
        {
            var truth = scene.Clip.ZoneEntries(zone.Polygon, GroundTruthScenes.WaterEntryFrames).ToList();
            var matched = 0;
            var falseEntries = 0;
            foreach (var enter in events.Where(e => e.Kind == VisionEventKind.ZoneEnter && e.RegionId == zone.Id))
            {
                var frame = (int)Math.Round((enter.Timestamp - Start).TotalSeconds * scene.Clip.Fps);
                var hit = truth.FindIndex(t => InZoneAround(scene.Clip.Walkers[t.Walker], zone.Polygon, frame));
                if (hit < 0)
                {
                    falseEntries++;
                    continue;
                }

                matched++;
                truth.RemoveAt(hit); // Each true entry is matched once; a second enter for the same walker is false.
            }

            zones.Add(new ZoneScore(zone.Id, scene.Clip.ZoneEntries(zone.Polygon, GroundTruthScenes.WaterEntryFrames).Count, matched, falseEntries));
        }

        return new SceneScore(scene.Name, scene.Clip.Frames, lines, zones, pipeline.Counters.DetectorRuns);
    }

    /// <summary>The walker's feet are in the zone at the event's frame, or within a second of it (inertia).</summary>
    private static bool InZoneAround(SyntheticWalker walker, IReadOnlyList<OpenCvSharp.Point2f> polygon, int frame)
    {
        OpenCvSharp.Point2f[] corners = [.. polygon];
        for (var f = frame - 5; f <= frame + 5; f++)
        {
            if (walker.FeetAt(f) is { } feet && BoxPoints.InPolygon(corners, feet))
            {
                return true;
            }
        }

        return false;
    }
}
