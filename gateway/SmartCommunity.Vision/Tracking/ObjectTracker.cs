using OpenCvSharp;
using SmartCommunity.Vision.Detection;
using SmartCommunity.Vision.Geometry;

namespace SmartCommunity.Vision.Tracking;

/// <summary>
/// Follows moving objects from their first motion region, not from the first detection: a person the detector
/// misses in most frames (OpenCV's HOG found walkers in 35 of 176 frames on the clips) is still tracked, and
/// the detector only classifies tracks. Matching is greedy by best score rather than optimal (Hungarian): with the
/// handful of people a community camera sees the results are the same and it stays simple. Each track predicts its
/// box from its smoothed velocity, so a walker hidden for a few frames (or during motion recalibration, see
/// <see cref="Coast"/>) is found again. Not thread-safe: one tracker per camera.
/// </summary>
public sealed class ObjectTracker
{
    private readonly TrackerOptions _options;
    private readonly List<Track> _tracks = [];
    private readonly List<Track> _removed = [];
    private readonly List<(double Score, int Track, int Region)> _pairs = [];
    private bool[] _regionMatched = new bool[16];
    private Track?[] _regionOwner = new Track?[16];
    private long _nextId = 1;
    private long _frame;

    public ObjectTracker(TrackerOptions? options = null)
    {
        _options = options ?? new TrackerOptions();
        _options.Validate();
    }

    /// <summary>The picture (detect resolution), so tracks walking out through an edge are closed; null: unknown.</summary>
    public Rect? Frame { get; init; }

    /// <summary>Live tracks, including ones missed in the latest update (see <see cref="Track.Misses"/>).</summary>
    public IReadOnlyList<Track> Tracks => _tracks;

    /// <summary>Tracks dropped by the latest <see cref="Update(ReadOnlySpan{Rect}, ReadOnlySpan{DetectedObject}, DateTimeOffset)"/>,
    /// so zones and lines can close them.</summary>
    public IReadOnlyList<Track> Removed => _removed;

    /// <summary>Feeds detections only, each as both the object's region and its classification (tests, and callers
    /// without motion regions).</summary>
    public void Update(ReadOnlySpan<DetectedObject> detections, DateTimeOffset now)
    {
        var boxes = new Rect[detections.Length];
        for (var i = 0; i < boxes.Length; i++)
        {
            boxes[i] = detections[i].Box;
        }

        Update(boxes, detections, now);
    }

    /// <summary>
    /// Feeds one analysed frame: its motion regions (grouped into objects, see <see cref="MotionGrouping"/>) and what
    /// the detector found in it (may be empty when it did not run).
    /// </summary>
    public void Update(ReadOnlySpan<Rect> regions, ReadOnlySpan<DetectedObject> detections, DateTimeOffset now)
    {
        _frame++;
        _removed.Clear();
        if (_regionMatched.Length < regions.Length)
        {
            _regionMatched = new bool[regions.Length * 2];
        }

        Array.Clear(_regionMatched, 0, regions.Length);
        if (_regionOwner.Length < regions.Length)
        {
            _regionOwner = new Track?[regions.Length * 2];
        }

        Array.Clear(_regionOwner, 0, regions.Length);
        for (var t = 0; t < _tracks.Count; t++)
        {
            _tracks[t].MatchedNow = false;
            _tracks[t].DetectedNow = false;
            _tracks[t].Shared = false;
        }

        // Pass 1: overlap with the predicted box. Pass 2: nearby centres, for fast movers and tracks seen again
        // after a gap.
        var existing = _tracks.Count;
        Match(regions, existing, now, useIoU: true);
        Match(regions, existing, now, useIoU: false);
        ShareMerged(regions, existing, now);
        for (var r = 0; r < regions.Length; r++)
        {
            if (!_regionMatched[r] && !Absorb(regions[r], existing))
            {
                _tracks.Add(new Track(_nextId++, regions[r], now, _frame) { MatchedNow = true });
            }
        }

        foreach (var d in detections)
        {
            Classify(d, now);
        }

        for (var t = _tracks.Count - 1; t >= 0; t--)
        {
            var track = _tracks[t];
            Step(track);
            if (track.MatchedNow && !Ghost(track))
            {
                track.Misses = 0;
                track.Confirmed |= track.Hits >= _options.ConfirmHits;
                continue;
            }

            if (!track.Confirmed || ++track.Misses > _options.MaxMisses || Left(track))
            {
                _removed.Add(track);
                _tracks.RemoveAt(t);
            }
        }
    }

    /// <summary>A frame that says nothing about objects (motion is recalibrating after a brightness jump): tracks
    /// neither age nor move, but their predictions run on, so they are found again where they went.</summary>
    public void Coast() => _frame++;

    private void Match(ReadOnlySpan<Rect> regions, int existing, DateTimeOffset now, bool useIoU)
    {
        _pairs.Clear();
        for (var t = 0; t < existing; t++)
        {
            var track = _tracks[t];
            if (track.MatchedNow)
            {
                continue;
            }

            var gap = _frame - track.LastFrame;
            var predicted = Predict(track, gap);
            for (var r = 0; r < regions.Length; r++)
            {
                if (_regionMatched[r])
                {
                    continue;
                }

                if (!SimilarSize(predicted, regions[r]))
                {
                    continue; // A glint or a leftover speck next to a person is not that person.
                }

                if (JumpsBack(track, regions[r], gap))
                {
                    continue;
                }

                // The prediction, or right after a sighting the last box, whichever fits better: a walker who stops or
                // turns is not lost, and a track unseen for a while is only found again where it was heading.
                var score = useIoU
                    ? Math.Max(BoxPoints.IoU(predicted, regions[r]), gap == 1 ? BoxPoints.IoU(track.Box, regions[r]) : 0)
                    : Math.Max(CentreCloseness(predicted, regions[r], gap), gap == 1 ? CentreCloseness(track.Box, regions[r], gap) : 0);
                if (useIoU ? score >= _options.MinIoU : score > 0)
                {
                    _pairs.Add((score, t, r));
                }
            }
        }

        _pairs.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        foreach (var (_, t, r) in _pairs)
        {
            if (_tracks[t].MatchedNow || _regionMatched[r])
            {
                continue;
            }

            _regionMatched[r] = true;
            _regionOwner[r] = _tracks[t];
            Move(_tracks[t], regions[r], now);
        }
    }

    /// <summary>
    /// People who come together in the picture make one motion region: the first track to match takes it, and the
    /// other would miss, be dropped or take over the wrong person when they part (issue 16: walkers passing each other
    /// swapped tracks and each track then counted the other's crossing too). A confirmed track left unmatched whose
    /// predicted box lies mostly inside a region another track took is in that group: both tracks move on by their
    /// own predictions (the region's box is neither person's, and its bottom is the feet of the lower one), until
    /// the region splits and each finds its own piece.
    /// </summary>
    private void ShareMerged(ReadOnlySpan<Rect> regions, int existing, DateTimeOffset now)
    {
        for (var t = 0; t < existing; t++)
        {
            var track = _tracks[t];
            var gap = _frame - track.LastFrame;
            if (track.MatchedNow || !track.Confirmed || gap > _options.MaxMisses)
            {
                continue;
            }

            var predicted = Predict(track, gap);
            var area = predicted.Width * (double)predicted.Height;
            for (var r = 0; r < regions.Length; r++)
            {
                var common = predicted & regions[r];
                if (_regionOwner[r] is not { } owner || owner == track || common.Width * (double)common.Height < area * 0.5)
                {
                    continue;
                }

                if (!owner.Shared)
                {
                    // The owner's box becomes its own prediction too: the region holds both of them.
                    var (before, v, g) = (owner.StepBox, owner.Velocity, Math.Max(1, owner.StepGap));
                    owner.Box = new Rect(before.X + (int)(v.X * g), before.Y + (int)(v.Y * g), before.Width, before.Height);
                    owner.Shared = true;
                }

                Move(track, predicted, now);
                track.Shared = true;
                break;
            }
        }
    }

    /// <summary>A region touching a matched track's grown box that keeps the union person-shaped is part of it.</summary>
    private bool Absorb(Rect region, int existing)
    {
        for (var t = 0; t < existing; t++)
        {
            var track = _tracks[t];
            if (!track.MatchedNow)
            {
                continue;
            }

            var box = track.Box;
            var margin = (int)(Math.Max(box.Width, box.Height) * _options.AbsorbMargin);
            var grown = new Rect(box.X - margin, box.Y - margin, box.Width + (2 * margin), box.Height + (2 * margin));
            var union = box | region;
            // Only a part: a region as large as half the track is someone else (issue 16: a walker entering below
            // another was absorbed into their track and never counted).
            var part = region.Width * (double)region.Height < box.Width * (double)box.Height * 0.5;
            if (part && (grown & region).Width > 0 && (grown & region).Height > 0 && union.Width <= union.Height * _options.MaxAbsorbAspect)
            {
                track.Box = union;
                return true;
            }
        }

        return false;
    }

    /// <summary>The detector's verdict on the track it overlaps most; a detection no track explains starts one
    /// (a person standing still, whose motion has faded into the background).</summary>
    private void Classify(DetectedObject detection, DateTimeOffset now)
    {
        Track? best = null;
        var bestScore = 0.0;
        foreach (var track in _tracks)
        {
            var score = BoxPoints.IoU(track.Box, detection.Box);
            if (score < _options.MinIoU && Inside(track.Box, Centre(detection.Box)))
            {
                score = _options.MinIoU; // Motion often covers only the legs or the whole group; inside counts.
            }

            if (score >= _options.MinIoU && score > bestScore)
            {
                (best, bestScore) = (track, score);
            }
        }

        if (best is null)
        {
            best = new Track(_nextId++, detection.Box, now, _frame) { MatchedNow = true };
            _tracks.Add(best);
        }
        else if (!best.MatchedNow)
        {
            Move(best, detection.Box, now); // No motion this frame (standing still): the detection keeps it.
        }
        else
        {
            // The detector's box is the person; motion may cover only the legs, or glints around the feet in water.
            best.Box = detection.Box;
        }

        best.DetectorHits++;
        best.DetectedNow = true;
        best.Confirmed = true; // The detector saw an object there: not noise, whatever its label turns out to be.
        best.Confidence = Math.Max(best.Confidence, detection.Confidence);
        if (best.DetectorHits >= _options.ClassifyHits)
        {
            best.Label = detection.Label;
        }
    }

    private void Move(Track track, Rect box, DateTimeOffset now)
    {
        // The velocity is taken once the frame's box is final (see Step): the detector may still replace this motion
        // box, and a step from last frame's detector box to this frame's motion box (which may include the ghost of
        // where the person stood) pointed the wrong way.
        track.StepFrom = Centre(track.Box);
        track.StepBox = track.Box;
        track.StepGap = Math.Max(1, _frame - track.LastFrame);
        track.Box = box;
        track.LastSeen = now;
        track.LastFrame = _frame;
        track.Hits++;
        track.MatchedNow = true;
    }

    /// <summary>
    /// Matched only by a motion region that stands still, on a track the detector has seen before but not now: no
    /// evidence that the object is still there. When someone who stood still leaves, the background average still
    /// holds them and the spot shows as motion (a "ghost") for many seconds; counted as a sighting it would keep the
    /// track, and the person in the zone, alive that long. A standing person the detector still finds keeps the track;
    /// a track the detector never saw (motion-only) has nothing better than motion and keeps it too.
    /// </summary>
    private bool Ghost(Track track)
    {
        if (track.DetectedNow || track.DetectorHits == 0)
        {
            return false;
        }

        var (v, still) = (track.Velocity, _options.StillSpeed * track.Box.Height);
        return (v.X * v.X) + (v.Y * v.Y) < still * still;
    }

    /// <summary>Smoothed centre displacement per frame, from the last frame's final box to this frame's.</summary>
    private static void Step(Track track)
    {
        if (!track.MatchedNow || track.StepGap == 0)
        {
            return;
        }

        var after = Centre(track.Box);
        var step = new Point2f((after.X - track.StepFrom.X) / track.StepGap, (after.Y - track.StepFrom.Y) / track.StepGap);
        track.Velocity = track.Hits <= 2 ? step : new Point2f((track.Velocity.X + step.X) / 2, (track.Velocity.Y + step.Y) / 2);
        track.StepGap = 0;
    }

    /// <summary>
    /// A step against the track's own motion longer than half its height per frame: nobody walks that way, but a
    /// walker who leaves through an edge is otherwise taken back to the ghost of where they stood (seen on the
    /// loiterers clip: the track jumped 159 px back over the line and counted a second crossing). Turning round is a
    /// step of walking length.
    /// </summary>
    private static bool JumpsBack(Track track, Rect region, long gap)
    {
        var (from, to, v) = (Centre(track.Box), Centre(region), track.Velocity);
        var step = new Point2f((to.X - from.X) / gap, (to.Y - from.Y) / gap);
        var limit = track.Box.Height / 2f;
        return (step.X * v.X) + (step.Y * v.Y) < 0 && (step.X * step.X) + (step.Y * step.Y) > limit * limit;
    }

    /// <summary>Unseen while touching an edge of the picture and moving out through it (≥ 3 px per frame): it left,
    /// and must not wait there to be taken over by the next person coming in.</summary>
    private bool Left(Track track)
    {
        if (Frame is not { } frame)
        {
            return false;
        }

        const int Edge = 3;
        var (box, v) = (track.Box, track.Velocity);
        return (box.Top <= frame.Top + Edge && v.Y <= -3) || (box.Bottom >= frame.Bottom - Edge && v.Y >= 3)
            || (box.Left <= frame.Left + Edge && v.X <= -3) || (box.Right >= frame.Right - Edge && v.X >= 3);
    }

    /// <summary>Areas within a factor of 5: a walker entering through an edge grows less than that per frame.</summary>
    private static bool SimilarSize(Rect a, Rect b)
    {
        var ratio = (a.Width * (double)a.Height) / Math.Max(1, b.Width * (double)b.Height);
        return ratio is >= 0.2 and <= 5;
    }

    private static Rect Predict(Track track, long gap) =>
        new(track.Box.X + (int)(track.Velocity.X * gap), track.Box.Y + (int)(track.Velocity.Y * gap), track.Box.Width, track.Box.Height);

    private static bool Inside(Rect box, Point2f p) => p.X >= box.Left && p.X < box.Right && p.Y >= box.Top && p.Y < box.Bottom;

    private static Point2f Centre(Rect box) => BoxPoints.Of(box, ReferencePoint.Centre);

    private double CentreCloseness(Rect track, Rect region, long gap)
    {
        var a = Centre(track);
        var b = Centre(region);
        var distance = Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));
        var diagonal = Math.Sqrt((track.Width * track.Width) + (track.Height * track.Height));
        var limit = _options.MaxCentreDistance * diagonal * Math.Min(2, 1 + (0.5 * (gap - 1)));
        return distance >= limit ? 0 : 1 - (distance / limit);
    }
}
