using OpenCvSharp;
using SmartCommunity.Vision.Geometry;
using SmartCommunity.Vision.Lines;

namespace SmartCommunity.Vision.Synthetic;

/// <summary>A global brightness change from <see cref="Frame"/> on (a lamp switched on, an IR cut filter).</summary>
public sealed record BrightnessStep(int Frame, int Delta);

/// <summary>Water-like shimmer: moving ripples of ± <see cref="Amplitude"/> grey levels inside a polygon.</summary>
public sealed record ShimmerArea(IReadOnlyList<Point2f> Polygon, int Amplitude = 40, int Base = 120);

/// <summary>A crossing of a line by a walker in the ground truth: the frame its feet crossed, and which way.</summary>
public sealed record TrueCrossing(int Walker, int Frame, Events.CrossingDirection Direction);

/// <summary>
/// A synthetic camera clip with known ground truth, for tests, the accuracy benchmark and the demo: a fixed
/// textured ground, walkers (<see cref="SyntheticWalker"/>, stick figures with a gait that OpenCV's HOG can find),
/// brightness steps, Gaussian sensor noise and water shimmer. Every frame is a pure function of the clip and its
/// index (noise is seeded per frame), so a frame renders the same whatever the order. Ground truth comes from the
/// walkers' geometry: <see cref="Crossings"/> for a counting line, <see cref="ZoneEntries"/> for a zone.
/// Write it as a video with <see cref="SyntheticClipWriter"/>.
/// </summary>
public sealed class SyntheticClip
{
    public int Width { get; init; } = 640;

    public int Height { get; init; } = 360;

    /// <summary>Frames per second the clip is meant to play at (and be analysed at). Default 5.</summary>
    public double Fps { get; init; } = 5;

    public required int Frames { get; init; }

    public IReadOnlyList<SyntheticWalker> Walkers { get; init; } = [];

    public IReadOnlyList<BrightnessStep> BrightnessSteps { get; init; } = [];

    public IReadOnlyList<ShimmerArea> Shimmer { get; init; } = [];

    /// <summary>Standard deviation of per-pixel, per-frame sensor noise in grey levels. Default 3.</summary>
    public double NoiseSigma { get; init; } = 3;

    /// <summary>Seeds the ground texture and the noise. Default 7.</summary>
    public int Seed { get; init; } = 7;

    /// <summary>Ground grey level before texture (a light pavement or sand). Default 170.</summary>
    public int Ground { get; init; } = 170;

    /// <summary>Draws frame <paramref name="index"/> into an 8-bit single-channel image of the clip's size.</summary>
    public void Render(int index, Mat luma)
    {
        ArgumentNullException.ThrowIfNull(luma);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (luma.Width != Width || luma.Height != Height || luma.Type() != MatType.CV_8UC1)
        {
            throw new ArgumentException($"Render needs a {Width}×{Height} 8-bit grey image.", nameof(luma));
        }

        DrawGround(luma);
        foreach (var area in Shimmer)
        {
            DrawShimmer(luma, area, index);
        }

        foreach (var walker in Walkers)
        {
            walker.Draw(luma, index);
        }

        var brightness = BrightnessSteps.Where(s => s.Frame <= index).Sum(s => s.Delta);
        if (brightness != 0)
        {
            Cv2.Add(luma, Scalar.All(brightness), luma); // Saturating, as a camera's exposure clips.
        }

        if (NoiseSigma > 0)
        {
            AddNoise(luma, index);
        }
    }

    /// <summary>
    /// The true crossings of <paramref name="line"/>: a walker whose feet go from one side of the segment to the
    /// other (strictly through it, not round its end) crosses once, towards the side its path ends on.
    /// </summary>
    public IReadOnlyList<TrueCrossing> Crossings(CountingLineDefinition line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var counter = new LineCounter(line); // Only for its signed distance; validates the line too.
        var crossings = new List<TrueCrossing>();
        for (var w = 0; w < Walkers.Count; w++)
        {
            var walker = Walkers[w];
            float? previous = null;
            for (var f = walker.StartFrame; f <= walker.EndFrame; f++)
            {
                var feet = walker.FeetAt(f)!.Value;
                var d = counter.DistanceOf(feet);
                if (previous is { } p && Math.Sign(p) != Math.Sign(d) && d != 0 && Through(line, walker.FeetAt(f - 1)!.Value, feet))
                {
                    crossings.Add(new TrueCrossing(w, f, d > 0 ? Events.CrossingDirection.In : Events.CrossingDirection.Out));
                }

                previous = d == 0 ? previous : d;
            }
        }

        return crossings;
    }

    /// <summary>
    /// Walkers whose feet stay inside <paramref name="polygon"/> for at least <paramref name="minFrames"/>
    /// consecutive frames, each with the first frame of that stay: who truly entered the zone.
    /// </summary>
    public IReadOnlyList<(int Walker, int Frame)> ZoneEntries(IReadOnlyList<Point2f> polygon, int minFrames)
    {
        ArgumentNullException.ThrowIfNull(polygon);
        Point2f[] corners = [.. polygon];
        var entries = new List<(int, int)>();
        for (var w = 0; w < Walkers.Count; w++)
        {
            var run = 0;
            for (var f = Walkers[w].StartFrame; f <= Walkers[w].LastFrame; f++)
            {
                run = BoxPoints.InPolygon(corners, Walkers[w].FeetAt(f)!.Value) ? run + 1 : 0;
                if (run == minFrames)
                {
                    entries.Add((w, f - minFrames + 1));
                    break;
                }
            }
        }

        return entries;
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Width, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(Height, 64);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Frames);
        if (!double.IsFinite(Fps) || Fps <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Fps), "Fps must be positive.");
        }

        foreach (var walker in Walkers)
        {
            walker.Validate();
        }
    }

    private static bool Through(CountingLineDefinition line, Point2f a, Point2f b)
    {
        // Segments a–b and A–B intersect: A and B on different sides of a–b (the other test is the side change).
        static float Cross(Point2f o, Point2f p, Point2f q) => ((p.X - o.X) * (q.Y - o.Y)) - ((p.Y - o.Y) * (q.X - o.X));
        return Math.Sign(Cross(a, b, line.A)) != Math.Sign(Cross(a, b, line.B));
    }

    private void DrawGround(Mat luma)
    {
        luma.SetTo(Scalar.All(Ground));
        // Fixed blocks of nearby greys: texture for contrast stretch and blur, none of it person-shaped.
        var rng = new RNG((ulong)Seed);
        for (var i = 0; i < 30; i++)
        {
            var x = rng.Uniform(0, Width - 40);
            var y = rng.Uniform(0, Height - 40);
            var rect = new Rect(x, y, rng.Uniform(30, 140), rng.Uniform(20, 70));
            Cv2.Rectangle(luma, rect, Scalar.All(Math.Clamp(Ground + rng.Uniform(-35, 25), 0, 255)), -1);
        }
    }

    private static unsafe void DrawShimmer(Mat luma, ShimmerArea area, int index)
    {
        Point2f[] corners = [.. area.Polygon];
        var bounds = Cv2.BoundingRect(corners) & new Rect(0, 0, luma.Width, luma.Height);
        var t = index * 0.9;
        for (var y = bounds.Top; y < bounds.Bottom; y++)
        {
            var row = (byte*)luma.Ptr(y);
            for (var x = bounds.Left; x < bounds.Right; x++)
            {
                if (!BoxPoints.InPolygon(corners, new Point2f(x, y)))
                {
                    continue;
                }

                // Two travelling wave trains whose product makes glints that appear, drift and vanish: motion
                // everywhere on the water, in blobs of a few tens of pixels, never person-shaped for long.
                var wave = Math.Sin((x * 0.11) + (y * 0.05) - t) * Math.Sin((x * 0.03) - (y * 0.17) + (t * 0.7));
                row[x] = (byte)Math.Clamp(area.Base + (area.Amplitude * wave), 0, 255);
            }
        }
    }

    private void AddNoise(Mat luma, int index)
    {
        using var noise = new Mat(Height, Width, MatType.CV_16SC1);
        new RNG((ulong)((Seed * 7919L) + index + 1)).Fill(noise, DistributionType.Normal, Scalar.All(0), Scalar.All(NoiseSigma));
        using var wide = new Mat();
        luma.ConvertTo(wide, MatType.CV_16SC1);
        Cv2.Add(wide, noise, wide);
        wide.ConvertTo(luma, MatType.CV_8UC1);
    }
}
