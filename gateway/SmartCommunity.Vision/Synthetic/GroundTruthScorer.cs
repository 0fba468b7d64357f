using SmartCommunity.Vision.Detection;
using SmartCommunity.Vision.Events;
using SmartCommunity.Vision.Geometry;
using SmartCommunity.Vision.Pipeline;

namespace SmartCommunity.Vision.Synthetic;

/// <summary>One line's counts against the truth; <paramref name="Matched"/>: counted crossings that match a true one
/// (same direction, within <see cref="GroundTruthScorer.MatchFrames"/> frames; each true crossing matched once).</summary>
public sealed record LineScore(string Line, int TrueIn, int TrueOut, long CountedIn, long CountedOut, int Matched = 0)
{
    /// <summary>Matched over true crossings (1 when there were none).</summary>
    public double Recall => TrueIn + TrueOut == 0 ? 1 : Matched / (double)(TrueIn + TrueOut);

    /// <summary>Matched over counted crossings (1 when none were counted).</summary>
    public double Precision => CountedIn + CountedOut == 0 ? 1 : Matched / (double)(CountedIn + CountedOut);

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

    /// <summary>Matched over true entries (1 when there were none).</summary>
    public double Recall => TrueEntries == 0 ? 1 : Matched / (double)TrueEntries;

    /// <summary>Matched over reported entries (1 when none were reported).</summary>
    public double Precision => Matched + FalseEntries == 0 ? 1 : Matched / (double)(Matched + FalseEntries);
}

/// <summary>What analysis made of a scene.</summary>
public sealed record SceneScore(string Scene, int Frames, IReadOnlyList<LineScore> Lines, IReadOnlyList<ZoneScore> Zones, long DetectorRuns);

/// <summary>
/// Runs a <see cref="GroundTruthScene"/> through a real <see cref="CameraPipeline"/> (motion, the detector, the
/// tracker, zones and lines; every frame analysed, none dropped) and scores it against the scene's truth.
/// </summary>
public static class GroundTruthScorer
{
    /// <summary>How far (frames) a counted crossing may be from the true one and still match it: 1 s at 5 fps. A
    /// crossing held until its track is classified carries the time it happened, so this is about the box's feet
    /// against the drawn feet, not about delay.</summary>
    public const int MatchFrames = 5;

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
            var unmatched = truth.ToList();
            var matched = 0;
            foreach (var cross in events.Where(e => e.Kind == VisionEventKind.LineCross && e.RegionId == counter.Line.Id))
            {
                var frame = FrameOf(cross, scene);
                var hit = unmatched.FindIndex(t => t.Direction == cross.Direction && Math.Abs(t.Frame - frame) <= MatchFrames);
                if (hit >= 0)
                {
                    matched++;
                    unmatched.RemoveAt(hit);
                }
            }

            lines.Add(new LineScore(counter.Line.Id, truth.Count(c => c.Direction == CrossingDirection.In), truth.Count(c => c.Direction == CrossingDirection.Out),
                counter.InCount, counter.OutCount, matched));
        }

        var zones = new List<ZoneScore>();
        foreach (var zone in scene.Zones)
        {
            var truth = scene.Clip.ZoneEntries(zone.Polygon, GroundTruthScenes.WaterEntryFrames).ToList();
            var matched = 0;
            var falseEntries = 0;
            foreach (var enter in events.Where(e => e.Kind == VisionEventKind.ZoneEnter && e.RegionId == zone.Id))
            {
                var frame = FrameOf(enter, scene);
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

    private static int FrameOf(VisionEvent e, GroundTruthScene scene) => (int)Math.Round((e.Timestamp - Start).TotalSeconds * scene.Clip.Fps);

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
