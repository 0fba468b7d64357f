using OpenCvSharp;

namespace SmartCommunity.Vision.Tests.Support;

/// <summary>
/// A dark person silhouette (head, torso, arms, legs) drawn with OpenCV. OpenCV's HOG people detector finds it
/// with a clear margin at 120–180 px tall, so tests can use real detections instead of faked ones.
/// </summary>
internal static class StickFigure
{
    /// <summary>Draws a figure standing with its feet at <paramref name="feet"/>, <paramref name="height"/> px tall.</summary>
    public static void Draw(Mat image, Point feet, int height, int grey = 40)
    {
        var (x, y, h) = (feet.X, feet.Y, height);
        var colour = OpenCvSharp.Scalar.All(grey);
        var headRadius = (int)(h * 0.07);
        Cv2.Circle(image, new Point(x, y - h + headRadius), headRadius, colour, -1);
        Cv2.Ellipse(image, new Point(x, y - (int)(h * 0.62)), new Size((int)(h * 0.11), (int)(h * 0.2)), 0, 0, 360, colour, -1);
        var arm = Math.Max(2, (int)(h * 0.05));
        Cv2.Line(image, new Point(x - (int)(h * 0.1), y - (int)(h * 0.78)), new Point(x - (int)(h * 0.16), y - (int)(h * 0.45)), colour, arm);
        Cv2.Line(image, new Point(x + (int)(h * 0.1), y - (int)(h * 0.78)), new Point(x + (int)(h * 0.16), y - (int)(h * 0.45)), colour, arm);
        var leg = Math.Max(2, (int)(h * 0.07));
        Cv2.Line(image, new Point(x - (int)(h * 0.05), y - (int)(h * 0.45)), new Point(x - (int)(h * 0.09), y), colour, leg);
        Cv2.Line(image, new Point(x + (int)(h * 0.05), y - (int)(h * 0.45)), new Point(x + (int)(h * 0.09), y), colour, leg);
    }

    /// <summary>A plain light frame with sensor noise and the given figures (feet positions, 130 px tall).</summary>
    public static Mat Scene(params Point[] feet)
    {
        var image = new Mat(360, 640, MatType.CV_8UC1, OpenCvSharp.Scalar.All(190));
        foreach (var f in feet)
        {
            Draw(image, f, 130);
        }

        using var noise = new Mat(360, 640, MatType.CV_8UC1);
        Cv2.Randu(noise, OpenCvSharp.Scalar.All(0), OpenCvSharp.Scalar.All(6));
        Cv2.Add(image, noise, image);
        Cv2.GaussianBlur(image, image, new Size(3, 3), 0);
        return image;
    }
}
