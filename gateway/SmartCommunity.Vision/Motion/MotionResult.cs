using System.Runtime.InteropServices;
using OpenCvSharp;

namespace SmartCommunity.Vision.Motion;

/// <summary>
/// What <see cref="MotionDetector.Detect(Frames.Frame)"/> saw in one frame. The detector reuses this object:
/// read it before the next call.
/// </summary>
public sealed class MotionResult
{
    internal readonly List<Rect> BoxList = new(capacity: 32);

    /// <summary>Motion regions in the coordinates of the frame given to the detector (the detect resolution).</summary>
    public ReadOnlySpan<Rect> Boxes => CollectionsMarshal.AsSpan(BoxList);

    /// <summary>This frame has motion regions.</summary>
    public bool HasMotion => BoxList.Count > 0;

    /// <summary>Debounced state: true from <see cref="Started"/> until <see cref="Ended"/>.</summary>
    public bool InMotion { get; internal set; }

    /// <summary>Motion began on this frame (after <see cref="MotionOptions.StartFrames"/>).</summary>
    public bool Started { get; internal set; }

    /// <summary>Motion ended on this frame (after <see cref="MotionOptions.EndFrames"/>).</summary>
    public bool Ended { get; internal set; }

    /// <summary>The detector is (re)learning the background; no regions are reported meanwhile.</summary>
    public bool Calibrating { get; internal set; }

    /// <summary>Global brightness steps compensated so far (the contrast stretch followed them; see
    /// <see cref="MotionOptions.BrightnessStep"/>), for diagnostics.</summary>
    public long BrightnessSteps { get; internal set; }

    /// <summary>Fraction of the resized frame covered by changed regions, 0–1.</summary>
    public double ChangedFraction { get; internal set; }
}
