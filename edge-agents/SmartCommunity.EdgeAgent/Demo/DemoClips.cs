using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using SmartCommunity.Media.Simulation;

namespace SmartCommunity.EdgeAgent.Demo;

/// <summary>
/// Renders each demo camera's picture for one whole cycle (5 fps, 640×360, H.264 in MPEG-TS) with OpenCV and
/// ffmpeg: the scene's danger water where the seed draws the camera's zone, and the scenario's walkers as dark
/// person silhouettes (which the gateway's HOG detector finds at this size) on paths taken from the seed's zones
/// and lines. Nothing is downloaded; a clip already rendered for the same inputs is reused.
/// </summary>
public static class DemoClips
{
    public const int Width = 640;
    public const int Height = 360;
    public const int Fps = 5;

    /// <summary>Person height in pixels: HOG's 64×128 window finds the silhouette with a clear margin at 120–180 px.</summary>
    private const int FigureHeight = 132;

    /// <summary>Real seconds a walker takes to step into or out of the water, or across a line (walking pace, not sped up).</summary>
    private const double StepSeconds = 2.5;

    /// <summary>Writes <paramref name="path"/> unless it exists; a failed ffmpeg leaves no file behind.</summary>
    public static void Render(string path, DemoCycle cycle, IReadOnlyList<CameraScript> scripts, CameraScene scene, string ffmpeg = "ffmpeg", ILogger? logger = null)
    {
        if (File.Exists(path))
        {
            return;
        }

        var frames = (int)Math.Round(cycle.Length.TotalSeconds * Fps);
        using var background = scene.Background();
        using var frame = new Mat(Height, Width, MatType.CV_8UC1);
        RawVideoEncoder.WriteAsync(ffmpeg, Width, Height, Fps, ClipContainer.MpegTs, path, frames, (i, bytes) =>
        {
            background.CopyTo(frame);
            var at = cycle.Origin + TimeSpan.FromSeconds((double)i / Fps);
            foreach (var script in scripts)
            {
                if (script.FeetAt(cycle, at) is { } feet)
                {
                    DrawPerson(frame, new Point(feet.X * Width, feet.Y * Height));
                }
            }

            Marshal.Copy(frame.Data, bytes, 0, bytes.Length);
        }, logger ?? NullLogger.Instance).GetAwaiter().GetResult();
    }

    /// <summary>A dark silhouette (head, torso, arms, legs) standing with its feet at <paramref name="feet"/>.</summary>
    private static void DrawPerson(Mat image, Point feet)
    {
        var (x, y, h) = (feet.X, feet.Y, FigureHeight);
        var colour = Scalar.All(40);
        var head = (int)(h * 0.07);
        Cv2.Circle(image, new Point(x, y - h + head), head, colour, -1);
        Cv2.Ellipse(image, new Point(x, y - (int)(h * 0.62)), new Size((int)(h * 0.11), (int)(h * 0.2)), 0, 0, 360, colour, -1);
        var arm = Math.Max(2, (int)(h * 0.05));
        Cv2.Line(image, new Point(x - (int)(h * 0.1), y - (int)(h * 0.78)), new Point(x - (int)(h * 0.16), y - (int)(h * 0.45)), colour, arm);
        Cv2.Line(image, new Point(x + (int)(h * 0.1), y - (int)(h * 0.78)), new Point(x + (int)(h * 0.16), y - (int)(h * 0.45)), colour, arm);
        var leg = Math.Max(2, (int)(h * 0.07));
        Cv2.Line(image, new Point(x - (int)(h * 0.05), y - (int)(h * 0.45)), new Point(x - (int)(h * 0.09), y), colour, leg);
        Cv2.Line(image, new Point(x + (int)(h * 0.05), y - (int)(h * 0.45)), new Point(x + (int)(h * 0.09), y), colour, leg);
    }

    /// <summary>The still picture of a camera: light ground, the danger water a shade darker inside the seed's zones.</summary>
    public sealed record CameraScene(IReadOnlyList<IReadOnlyList<(double X, double Y)>> Water)
    {
        public Mat Background()
        {
            var image = new Mat(Height, Width, MatType.CV_8UC1, Scalar.All(200));
            foreach (var polygon in Water)
            {
                Cv2.FillPoly(image, [[.. polygon.Select(p => new Point(p.X * Width, p.Y * Height))]], Scalar.All(165));
            }

            return image;
        }
    }

    /// <summary>Where one walker's feet are (0–1 fractions) at a moment of the cycle, or null when out of the picture.</summary>
    public abstract record CameraScript
    {
        public abstract (double X, double Y)? FeetAt(DemoCycle cycle, DateTimeOffset at);

        /// <summary>Real seconds since scenario second <paramref name="s"/> of the cycle <paramref name="at"/> is in.</summary>
        protected static double Since(DemoCycle cycle, DateTimeOffset at, double s) =>
            (cycle.IntoCycle(at) - cycle.RealOffset(s)).TotalSeconds;

        protected static (double X, double Y) Lerp((double X, double Y) a, (double X, double Y) b, double t)
        {
            t = Math.Clamp(t, 0, 1);
            return (a.X + ((b.X - a.X) * t), a.Y + ((b.Y - a.Y) * t));
        }
    }

    /// <summary>
    /// Along the shore (just above the zone) from the left to above the zone's middle, into the water so that the
    /// feet cross its edge at <c>enterAt</c>, standing there, back out at <c>leaveAt</c>, and off to the right.
    /// </summary>
    public sealed record ZoneWalk(IReadOnlyList<(double X, double Y)> Zone, DemoScenario.ZoneWalker Walker) : CameraScript
    {
        public override (double X, double Y)? FeetAt(DemoCycle cycle, DateTimeOffset at)
        {
            var (w, inside) = (Walker, Middle(Zone));
            var shore = (X: inside.X, Y: Shore(Zone, inside.X));
            var start = (X: 0.06, Y: Shore(Zone, 0.06));
            var end = (X: 0.94, Y: Shore(Zone, 0.94));
            var appear = Since(cycle, at, w.AppearAt);
            if (appear < 0 || Since(cycle, at, w.GoneAt) > 0)
            {
                return null;
            }

            var toShore = (cycle.RealOffset(w.EnterAt) - cycle.RealOffset(w.AppearAt)).TotalSeconds - StepSeconds;
            if (appear < toShore)
            {
                var p = Lerp(start, shore, appear / toShore);
                return (p.X, Shore(Zone, p.X));
            }

            if (Since(cycle, at, w.LeaveAt) is var leaving && leaving < 0)
            {
                return Lerp(shore, inside, (appear - toShore) / (2 * StepSeconds));
            }

            if (leaving < 2 * StepSeconds)
            {
                return Lerp(inside, shore, leaving / (2 * StepSeconds));
            }

            var off = (cycle.RealOffset(w.GoneAt) - cycle.RealOffset(w.LeaveAt)).TotalSeconds - (2 * StepSeconds);
            var q = Lerp(shore, end, (leaving - (2 * StepSeconds)) / Math.Max(0.1, off));
            return (q.X, Shore(Zone, q.X));
        }

        /// <summary>A point well inside the polygon: its vertices' mean, pulled up so the figure stays in the picture.</summary>
        private static (double X, double Y) Middle(IReadOnlyList<(double X, double Y)> zone) =>
            (zone.Average(p => p.X), Math.Min(0.9, zone.Average(p => p.Y)));

        /// <summary>Feet height on the dry side of the zone's upper edge at <paramref name="x"/> (7 % of the picture above it).</summary>
        private static double Shore(IReadOnlyList<(double X, double Y)> zone, double x)
        {
            for (var y = 0.0; y <= 1.0; y += 0.005)
            {
                if (Inside(zone, x, y))
                {
                    return Math.Max(FigureHeight / (double)Height + 0.02, y - 0.07);
                }
            }

            return 0.9;
        }

        private static bool Inside(IReadOnlyList<(double X, double Y)> polygon, double x, double y)
        {
            var inside = false;
            for (int i = 0, j = polygon.Count - 1; i < polygon.Count; j = i++)
            {
                var (a, b) = (polygon[i], polygon[j]);
                if ((a.Y > y) != (b.Y > y) && x < ((b.X - a.X) * (y - a.Y) / (b.Y - a.Y)) + a.X)
                {
                    inside = !inside;
                }
            }

            return inside;
        }
    }

    /// <summary>Straight across a counting line at its middle, from the "out" to the "in" side or back, crossing it at <c>at</c>.</summary>
    public sealed record LineWalk(((double X, double Y) A, (double X, double Y) B, (double X, double Y) InSide) Line, DemoScenario.LineWalker Walker) : CameraScript
    {
        public override (double X, double Y)? FeetAt(DemoCycle cycle, DateTimeOffset at)
        {
            var since = Since(cycle, at, Walker.At);
            if (since < -2 * StepSeconds || since > 2 * StepSeconds)
            {
                return null;
            }

            // In pixels, so that a slanted line keeps a right angle: the line's normal, pointing to the "in" side.
            var (a, b, inSide) = Line;
            var (mx, my) = ((a.X + b.X) / 2, (a.Y + b.Y) / 2);
            var (nx, ny) = (-(b.Y - a.Y) * Height, (b.X - a.X) * Width);
            var length = Math.Sqrt((nx * nx) + (ny * ny));
            (nx, ny) = (nx / length, ny / length);
            if ((((inSide.X - mx) * Width) * nx) + (((inSide.Y - my) * Height) * ny) < 0)
            {
                (nx, ny) = (-nx, -ny);
            }

            // 140 px either side of the line; "out" walks the other way.
            var pixels = since / (2 * StepSeconds) * 140 * (Walker.Direction == "out" ? -1 : 1);
            return (Math.Clamp(mx + (nx * pixels / Width), 0.05, 0.95), Math.Clamp(my + (ny * pixels / Height), FigureHeight / (double)Height, 0.97));
        }
    }
}
