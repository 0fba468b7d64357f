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
        if (dx <= touch && dy <= touch && (dx <= 0 || dy <= 0))
        {
            return true; // Overlapping or touching along a side.
        }

        // Stacked: columns shared over half the narrower piece, and a vertical gap under half the taller one.
        var narrower = Math.Min(a.Width, b.Width);
        return dx < 0 && -dx * 2 >= narrower && dy <= Math.Max(a.Height, b.Height) / 2;
    }
}
