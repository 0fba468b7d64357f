using OpenCvSharp;

namespace SmartCommunity.Vision.Synthetic;

/// <summary>
/// One person in a <see cref="SyntheticClip"/>: walks with a swinging gait from <see cref="From"/> to <see cref="To"/>
/// (feet positions in pixels; either may lie outside the frame, to enter or leave through an edge) between frames
/// <see cref="StartFrame"/> and <see cref="EndFrame"/>, then stands at <see cref="To"/> for <see cref="HoldFrames"/>
/// frames (someone standing in the water) and is gone afterwards.
/// </summary>
/// <param name="From">Feet at <see cref="StartFrame"/>.</param>
/// <param name="To">Feet at <see cref="EndFrame"/>.</param>
/// <param name="StartFrame">First frame the walker is drawn on.</param>
/// <param name="EndFrame">Frame the walker reaches <see cref="To"/>; must be after <see cref="StartFrame"/>.</param>
/// <param name="HoldFrames">Frames spent standing at <see cref="To"/> after arriving.</param>
/// <param name="Height">Figure height in pixels (head to feet). OpenCV's HOG people detector needs ≥ ~100.</param>
/// <param name="Grey">Figure grey level (0 black … 255 white).</param>
public sealed record SyntheticWalker(Point2f From, Point2f To, int StartFrame, int EndFrame, int HoldFrames = 0, int Height = 130, int Grey = 40)
{
    /// <summary>Last frame the walker is drawn on.</summary>
    public int LastFrame => EndFrame + HoldFrames;

    /// <summary>Feet position at a frame, or null when the walker is not in the scene then.</summary>
    public Point2f? FeetAt(int frame)
    {
        if (frame < StartFrame || frame > LastFrame)
        {
            return null;
        }

        var t = Math.Min(1f, (frame - StartFrame) / (float)(EndFrame - StartFrame));
        return new Point2f(From.X + ((To.X - From.X) * t), From.Y + ((To.Y - From.Y) * t));
    }

    internal void Validate()
    {
        if (EndFrame <= StartFrame || StartFrame < 0 || HoldFrames < 0)
        {
            throw new ArgumentException($"A walker needs 0 ≤ StartFrame < EndFrame and HoldFrames ≥ 0 (got {StartFrame}, {EndFrame}, {HoldFrames}).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Height, 20);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Grey, 255);
        ArgumentOutOfRangeException.ThrowIfNegative(Grey);
    }

    /// <summary>Draws the figure at its position for <paramref name="frame"/> (nothing when it is not in the scene).</summary>
    internal void Draw(Mat image, int frame)
    {
        if (FeetAt(frame) is not { } feet)
        {
            return;
        }

        // Legs and arms swing once per ~0.8 body heights walked, still while standing (a gait, not a rigid box,
        // so motion regions change shape between frames as a real walker's do).
        var walked = Math.Min(frame, EndFrame) - StartFrame;
        var speed = Math.Sqrt(Math.Pow(To.X - From.X, 2) + Math.Pow(To.Y - From.Y, 2)) / (EndFrame - StartFrame);
        var swing = frame >= EndFrame ? 0 : Math.Sin(walked * speed / (Height * 0.8) * 2 * Math.PI);
        var (x, y, h) = ((int)Math.Round(feet.X), (int)Math.Round(feet.Y), Height);
        var colour = Scalar.All(Grey);
        var headRadius = (int)(h * 0.07);
        Cv2.Circle(image, new Point(x, y - h + headRadius), headRadius, colour, -1);
        Cv2.Ellipse(image, new Point(x, y - (int)(h * 0.62)), new Size((int)(h * 0.11), (int)(h * 0.2)), 0, 0, 360, colour, -1);
        var arm = Math.Max(2, (int)(h * 0.05));
        var armSwing = (int)(h * 0.06 * swing);
        Cv2.Line(image, new Point(x - (int)(h * 0.1), y - (int)(h * 0.78)), new Point(x - (int)(h * 0.16) + armSwing, y - (int)(h * 0.45)), colour, arm);
        Cv2.Line(image, new Point(x + (int)(h * 0.1), y - (int)(h * 0.78)), new Point(x + (int)(h * 0.16) - armSwing, y - (int)(h * 0.45)), colour, arm);
        var leg = Math.Max(2, (int)(h * 0.07));
        var legSwing = (int)(h * 0.08 * swing);
        Cv2.Line(image, new Point(x - (int)(h * 0.05), y - (int)(h * 0.45)), new Point(x - (int)(h * 0.09) + legSwing, y), colour, leg);
        Cv2.Line(image, new Point(x + (int)(h * 0.05), y - (int)(h * 0.45)), new Point(x + (int)(h * 0.09) - legSwing, y), colour, leg);
    }
}
