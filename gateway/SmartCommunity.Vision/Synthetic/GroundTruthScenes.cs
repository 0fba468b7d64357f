using OpenCvSharp;
using SmartCommunity.Vision.Lines;
using SmartCommunity.Vision.Zones;

namespace SmartCommunity.Vision.Synthetic;

/// <summary>A clip with the counting lines and zones drawn on it (detect-resolution pixels) whose truth it knows.</summary>
/// <param name="Name">Short name for reports.</param>
/// <param name="Clip">The frames and the walkers.</param>
/// <param name="Lines">Counting lines; ground truth from <see cref="SyntheticClip.Crossings"/>.</param>
/// <param name="Zones">Zones; ground truth from <see cref="SyntheticClip.ZoneEntries"/>.</param>
/// <param name="SingleFile">One walker in view at a time: counts must be exact.</param>
public sealed record GroundTruthScene(string Name, SyntheticClip Clip, IReadOnlyList<CountingLineDefinition> Lines, IReadOnlyList<ZoneDefinition> Zones, bool SingleFile);

/// <summary>
/// The clips of the accuracy benchmark and the counting tests, and presets for the demo: 640×360 at 5 fps, 130 px
/// walkers (≈ 1.4 m/s: 14 px per frame). Each is built by code from a seed; its truth comes from the walkers' paths.
/// </summary>
public static class GroundTruthScenes
{
    /// <summary>A door across the picture at y = 220; inside is below (towards the camera).</summary>
    public static CountingLineDefinition Door(bool motionOnly = false) =>
        new() { Id = "door", A = new Point2f(0, 220), B = new Point2f(640, 220), InSide = new Point2f(320, 340), MotionOnly = motionOnly };

    /// <summary>A vertical line at x = 320 over the whole height; inside is to the right.</summary>
    public static CountingLineDefinition Gate(bool motionOnly = false) =>
        new() { Id = "gate", A = new Point2f(320, 0), B = new Point2f(320, 360), InSide = new Point2f(600, 180), MotionOnly = motionOnly };

    /// <summary>The beach's danger water: the lower right of the picture.</summary>
    public static IReadOnlyList<Point2f> Water { get; } = [new(330, 230), new(640, 200), new(640, 360), new(300, 360)];

    /// <summary>Frames needed inside the water to count as a true entry: longer than the 2 s persistence window.</summary>
    public const int WaterEntryFrames = 15;

    /// <summary>
    /// A shelter entrance: <paramref name="walkersIn"/> walk in (down, from the top edge) and
    /// <paramref name="walkersOut"/> out (up, leaving through the top edge), one at a time, alternating, with sensor
    /// noise and, when <paramref name="brightnessJumps"/>, a lamp switched on and off while nobody is in view.
    /// </summary>
    public static GroundTruthScene ShelterEntrance(int walkersIn = 5, int walkersOut = 3, bool brightnessJumps = true, bool motionOnly = false, int seed = 1)
    {
        var rng = new Random(seed);
        var walkers = new List<SyntheticWalker>();
        var frame = 12; // Motion calibrates on the first frames.
        var steps = new List<BrightnessStep>();
        for (var i = 0; i < walkersIn + walkersOut; i++)
        {
            var goingIn = i < 2 * Math.Min(walkersIn, walkersOut) ? i % 2 == 0 : walkersIn > walkersOut;
            var x = rng.Next(120, 520);
            var drift = rng.Next(-60, 60);
            var speed = rng.Next(11, 17);
            var (top, bottom) = (60f, 355f); // Feet at 60: the body starts above the frame's top edge.
            var frames = (int)Math.Ceiling((bottom - top) / speed);
            walkers.Add(goingIn
                ? new SyntheticWalker(new Point2f(x, top), new Point2f(x + drift, bottom), frame, frame + frames)
                : new SyntheticWalker(new Point2f(x + drift, bottom), new Point2f(x, top), frame, frame + frames));
            frame += frames + 8;
            if (brightnessJumps && i == 2)
            {
                steps.Add(new BrightnessStep(frame - 4, +55));
                frame += 12; // Recalibration.
            }
            else if (brightnessJumps && i == 5)
            {
                steps.Add(new BrightnessStep(frame - 4, -45));
                frame += 12;
            }
        }

        var clip = new SyntheticClip { Frames = frame + 5, Walkers = walkers, BrightnessSteps = steps, Seed = seed };
        return new GroundTruthScene($"shelter-{walkersIn}in-{walkersOut}out-s{seed}", clip, [Door(motionOnly)], [], SingleFile: true);
    }

    /// <summary>One walker at a time entering from each edge in turn (left, right, top, bottom) and crossing a line,
    /// some close to an edge of the picture.</summary>
    public static GroundTruthScene EveryEdge(bool motionOnly = false, int seed = 2)
    {
        var walkers = new List<SyntheticWalker>();
        var frame = 12;
        void Walk(float x0, float y0, float x1, float y1)
        {
            var frames = (int)Math.Ceiling(Math.Sqrt(((x1 - x0) * (x1 - x0)) + ((y1 - y0) * (y1 - y0))) / 14);
            walkers.Add(new SyntheticWalker(new Point2f(x0, y0), new Point2f(x1, y1), frame, frame + frames));
            frame += frames + 8;
        }

        Walk(-30, 300, 660, 310);   // In from the left edge, across the gate, out at the right.
        Walk(670, 250, -30, 260);   // In from the right edge.
        Walk(150, 40, 170, 358);    // From the top edge, across the door.
        Walk(480, 420, 470, 40);    // From below the bottom edge, up across the door.
        Walk(-25, 356, 660, 352);   // Along the bottom edge, feet almost on it.
        Walk(14, 60, 10, 356);      // Down the left edge, half the body out of the picture at first.
        Walk(628, 350, 632, 50);    // Up the right edge.
        Walk(660, 140, -30, 150);   // High up, from the right.
        var clip = new SyntheticClip { Frames = frame + 5, Walkers = walkers, Seed = seed };
        return new GroundTruthScene($"every-edge{(motionOnly ? "-motion" : "")}-s{seed}", clip, [Door(motionOnly), Gate(motionOnly)], [], SingleFile: true);
    }

    /// <summary><paramref name="pairs"/> pairs walking abreast (feet 70–85 px apart: a gap between the bodies even when
    /// their arms swing towards each other), half in, half out.</summary>
    public static GroundTruthScene SideBySide(int pairs = 6, int seed = 3)
    {
        var rng = new Random(seed);
        var walkers = new List<SyntheticWalker>();
        var frame = 12;
        for (var i = 0; i < pairs; i++)
        {
            var x = rng.Next(100, 480);
            var gap = rng.Next(70, 86);
            var frames = 22;
            var (y0, y1) = i % 2 == 0 ? (60f, 355f) : (355f, 60f);
            walkers.Add(new SyntheticWalker(new Point2f(x, y0), new Point2f(x, y1), frame, frame + frames));
            walkers.Add(new SyntheticWalker(new Point2f(x + gap, y0 + rng.Next(-8, 8)), new Point2f(x + gap, y1), frame, frame + frames));
            frame += frames + 8;
        }

        var clip = new SyntheticClip { Frames = frame + 5, Walkers = walkers, Seed = seed };
        return new GroundTruthScene($"side-by-side-s{seed}", clip, [Door()], [], SingleFile: false);
    }

    /// <summary>
    /// A crowd: <paramref name="walkers"/> people, several in view at once, both directions, from the top and bottom
    /// edges, passing each other; a brightness jump in the middle. With <paramref name="lanes"/> each walker keeps to
    /// one of eight lanes 75 px apart that nobody else uses while it is in view, so people pass each other with a gap
    /// (as at a door with a rail); without, paths cross anywhere and people overlap in the picture (the documented
    /// limit: overlapping people are one motion region).
    /// </summary>
    public static GroundTruthScene Crowd(int walkers = 20, bool lanes = true, int seed = 4)
    {
        var rng = new Random(seed);
        var list = new List<SyntheticWalker>();
        var busyUntil = new int[8];
        var frame = 12;
        for (var i = 0; i < walkers; i++)
        {
            var down = rng.Next(2) == 0;
            var speed = rng.Next(11, 17);
            var frames = (int)Math.Ceiling(300.0 / speed);
            var (y0, y1) = down ? (58f, 358f) : (358f, 58f);
            float x0, x1;
            if (lanes)
            {
                var free = Enumerable.Range(0, busyUntil.Length).Where(l => busyUntil[l] < frame).ToArray();
                while (free.Length == 0)
                {
                    frame++;
                    free = [.. Enumerable.Range(0, busyUntil.Length).Where(l => busyUntil[l] < frame)];
                }

                var lane = free[rng.Next(free.Length)];
                busyUntil[lane] = frame + frames + 2;
                x0 = 58 + (lane * 75) + rng.Next(-8, 9);
                x1 = x0 + rng.Next(-8, 9);
            }
            else
            {
                x0 = rng.Next(40, 600);
                x1 = Math.Clamp(x0 + rng.Next(-80, 80), 20, 620);
            }

            list.Add(new SyntheticWalker(new Point2f(x0, y0), new Point2f(x1, y1), frame, frame + frames));
            frame += rng.Next(3, 9);
        }

        var end = list.Max(w => w.LastFrame) + 5;
        var clip = new SyntheticClip { Frames = end, Walkers = list, Seed = seed, BrightnessSteps = [new BrightnessStep(end / 2, 40)] };
        return new GroundTruthScene($"crowd-{walkers}{(lanes ? "" : "-overlapping")}-s{seed}", clip, [Door()], [], SingleFile: false);
    }

    /// <summary>
    /// Groups arriving together: for each size in <paramref name="sizes"/> (2–10), that many walkers start within a
    /// second of each other in separate lanes 75 px apart (eight lanes; the ninth and tenth follow a lane's first walker
    /// 16 frames later, a body height and a half behind), alternating down and up.
    /// </summary>
    public static GroundTruthScene Groups(IReadOnlyList<int>? sizes = null, int seed = 14)
    {
        sizes ??= [2, 4, 6, 8, 10];
        var rng = new Random(seed);
        var walkers = new List<SyntheticWalker>();
        var frame = 12;
        foreach (var size in sizes)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(size, 16);
            var lanes = Enumerable.Range(0, 8).OrderBy(_ => rng.Next()).ToArray();
            for (var i = 0; i < size; i++)
            {
                var x = 58f + (lanes[i % 8] * 75) + rng.Next(-6, 7);
                var start = frame + ((i / 8) * 16) + rng.Next(0, 5);
                var frames = (int)Math.Ceiling(300.0 / rng.Next(12, 16));
                var (y0, y1) = i % 2 == 0 ? (58f, 358f) : (358f, 58f);
                walkers.Add(new SyntheticWalker(new Point2f(x, y0), new Point2f(x + rng.Next(-6, 7), y1), start, start + frames));
            }

            frame = walkers.Max(w => w.LastFrame) + 8;
        }

        var clip = new SyntheticClip { Frames = frame, Walkers = walkers, Seed = seed };
        return new GroundTruthScene($"groups-{string.Join('-', sizes)}-s{seed}", clip, [Door()], [], SingleFile: false);
    }

    /// <summary>
    /// People loitering near the door: each walks up to the line, stands 1–3 s 15–35 px short of it (or, every third
    /// one, 40 px past it), then walks back the way they came. Only the ones who stepped past cross: once in and once
    /// out (or out and in). One at a time; the jitter of a standing person's motion box must never count.
    /// </summary>
    public static GroundTruthScene Loiterers(int people = 6, bool motionOnly = false, int seed = 15)
    {
        var rng = new Random(seed);
        var walkers = new List<SyntheticWalker>();
        var frame = 12;
        for (var i = 0; i < people; i++)
        {
            var x = rng.Next(120, 520);
            var fromAbove = i % 2 == 0;
            var stop = i % 3 == 2 ? -40 : rng.Next(15, 36); // Distance short of the line; negative: past it.
            var (far, near) = fromAbove ? (60f, 220f - stop) : (358f, 220f + stop);
            var frames = (int)Math.Ceiling(Math.Abs(near - far) / 13);
            var hold = rng.Next(5, 16);
            walkers.Add(new SyntheticWalker(new Point2f(x, far), new Point2f(x, near), frame, frame + frames, HoldFrames: hold));
            var back = frame + frames + hold + 1; // Turns round on the next frame: one person, drawn as two walks.
            walkers.Add(new SyntheticWalker(new Point2f(x, near), new Point2f(x + rng.Next(-20, 21), far), back, back + frames));
            frame = back + frames + 8;
        }

        var clip = new SyntheticClip { Frames = frame + 5, Walkers = walkers, Seed = seed };
        return new GroundTruthScene($"loiterers-{people}{(motionOnly ? "-motion" : "")}-s{seed}", clip, [Door(motionOnly)], [], SingleFile: true);
    }

    /// <summary>
    /// A beach: water with shimmer in the lower right (<see cref="Water"/>); <paramref name="bathers"/> walk from the
    /// sand into the water and stand there for 4 s, <paramref name="strollers"/> walk along the sand without entering.
    /// Sensor noise throughout and a brightness jump (a cloud) once.
    /// </summary>
    public static GroundTruthScene Beach(int bathers = 4, int strollers = 3, int seed = 5)
    {
        var rng = new Random(seed);
        var walkers = new List<SyntheticWalker>();
        var frame = 25; // Motion calibrates on the first 20 frames: the shimmer never lets it settle sooner.
        var (bathed, strolled) = (0, 0);
        while (bathed + strolled < bathers + strollers)
        {
            if ((bathed <= strolled && bathed < bathers) || strolled >= strollers)
            {
                bathed++;
                var target = new Point2f(rng.Next(430, 600), rng.Next(270, 345));
                var from = new Point2f(rng.Next(40, 260), rng.Next(150, 200));
                walkers.Add(new SyntheticWalker(from, target, frame, frame + 26, HoldFrames: 20));
            }
            else
            {
                strolled++;
                var y = rng.Next(150, 195); // Along the sand, above the waterline.
                walkers.Add(new SyntheticWalker(new Point2f(-25, y), new Point2f(300, y + 20), frame, frame + 24));
            }

            frame += 50;
        }

        var clip = new SyntheticClip
        {
            Frames = frame,
            Walkers = walkers,
            Shimmer = [new ShimmerArea(Water)],
            BrightnessSteps = [new BrightnessStep(frame / 2 - 10, -35)],
            Seed = seed,
        };
        return new GroundTruthScene($"beach-{bathers}b-{strollers}s-s{seed}", clip, [], [ZoneDefinition.Water("water", Water)], SingleFile: true);
    }

    /// <summary>Shimmer only: water glinting, nobody in view. Any zone entry is false.</summary>
    public static GroundTruthScene EmptyWater(int frames = 150, int seed = 6) =>
        new($"empty-water-s{seed}", new SyntheticClip { Frames = frames, Shimmer = [new ShimmerArea(Water)], Seed = seed }, [],
            [ZoneDefinition.Water("water", Water)], SingleFile: true);

    /// <summary>Every scene of the accuracy benchmark.</summary>
    public static IReadOnlyList<GroundTruthScene> Benchmark() =>
    [
        ShelterEntrance(5, 3, seed: 1), ShelterEntrance(4, 4, seed: 2), ShelterEntrance(4, 4, motionOnly: true, seed: 3),
        EveryEdge(), Loiterers(), SideBySide(), Groups(), Crowd(20, seed: 4), Crowd(30, seed: 8), Crowd(20, lanes: false, seed: 10),
        Beach(), Beach(5, 2, seed: 9), EmptyWater(),
    ];
}
