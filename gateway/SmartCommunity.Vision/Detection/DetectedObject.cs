using OpenCvSharp;

namespace SmartCommunity.Vision.Detection;

/// <summary>One object found in one frame, in detect-resolution pixels.</summary>
public readonly record struct DetectedObject(Rect Box, string Label, float Confidence);

/// <summary>Finds objects in a frame's luma plane, optionally only inside the given regions.</summary>
public interface IObjectDetector
{
    /// <summary>Appends what it finds to <paramref name="results"/>; an empty region list means the whole frame.</summary>
    void Detect(Mat luma, ReadOnlySpan<Rect> regions, List<DetectedObject> results);
}
