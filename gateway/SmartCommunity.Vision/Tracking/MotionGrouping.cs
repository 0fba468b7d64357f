using OpenCvSharp;

namespace SmartCommunity.Vision.Tracking;

/// <summary>
/// Groups a frame's motion regions into objects before tracking. One walker's motion often comes in pieces (head,
/// torso, the legs apart from the body where the background matches the clothes): pieces that overlap, or that are
/// stacked with most of the narrower one's width in common and a small vertical gap, are one object. Pieces side by
/// side with a gap between them stay apart: that is how two people walking abreast are told apart (and the limit:
/// people touching in the picture make one region, and one object, until they separate).
/// </summary>
public static class MotionGrouping
{
    /// <summary>Merges <paramref name="regions"/> in place; returns how many objects remain at its start.</summary>
    /// <param name="regions">Motion regions in detect-resolution pixels; overwritten with the objects.</param>
    /// <param name="touch">Pixels two regions may be apart and still be one object (a dilation step of the motion
    /// mask at detect resolution).</param>
    public static int Group(Span<Rect> regions, int touch = 2)
    {
        var count = regions.Length;
        var merged = true;
        while (merged)
        {
            merged = false;
            for (var i = 0; i < count && !merged; i++)
            {
                for (var j = i + 1; j < count; j++)
                {
                    if (OneObject(regions[i], regions[j], touch))
                    {
                        regions[i] |= regions[j];
                        regions[j] = regions[count - 1];
                        count--;
                        merged = true;
                        break;
                    }
                }
            }
        }

        return count;
    }

    internal static bool OneObject(Rect a, Rect b, int touch)
    {
        var dx = Math.Max(a.Left, b.Left) - Math.Min(a.Right, b.Right); // < 0: the columns overlap by −dx.
        var dy = Math.Max(a.Top, b.Top) - Math.Min(a.Bottom, b.Bottom);
        var narrower = Math.Min(a.Width, b.Width);
        var stacked = dx < 0 && -dx * 2 >= narrower;
        if (dx <= touch && dy <= touch && (dx <= 0 || dy <= 0))
        {
            return stacked || !TwoBodies(a, b); // Overlapping or touching along a side.
        }

        // Stacked: columns shared over half the narrower piece, and a vertical gap under half the taller one.
        return stacked && dy <= Math.Max(a.Height, b.Height) / 2;
    }

    /// <summary>
    /// Two pieces side by side (columns barely shared) that are each a body rather than a part of one: of comparable
    /// size (the smaller at least <see cref="BodyAreaRatio"/> of the larger) and together wider than a person
    /// (<see cref="MaxPersonAspect"/>) or offset in height by more than a third of either (one walker ahead of the
    /// other). Their boxes overlap when an arm swings into the neighbour's box; merged they would be one track
    /// (issue 16: walkers in lanes 75 px apart were merged and counted once). A swinging arm or a shadow is small
    /// next to its body, and head, torso and legs are stacked, so the pieces of one walker still merge.
    /// </summary>
    private static bool TwoBodies(Rect a, Rect b)
    {
        var (small, large) = (Math.Min(Area(a), Area(b)), Math.Max(Area(a), Area(b)));
        if (small < large * BodyAreaRatio)
        {
            return false;
        }

        var union = a | b;
        return union.Width > union.Height * MaxPersonAspect || union.Height * 3 > Math.Max(a.Height, b.Height) * 4;
    }

    private static double Area(Rect r) => r.Width * (double)r.Height;

    /// <summary>The smaller of two side-by-side pieces is a body of its own from this fraction of the larger's area.</summary>
    internal const double BodyAreaRatio = 0.3;

    /// <summary>Widest box (width / height) one upright person makes.</summary>
    internal const double MaxPersonAspect = 0.75;
}
