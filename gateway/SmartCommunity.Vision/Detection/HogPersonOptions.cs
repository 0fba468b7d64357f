namespace SmartCommunity.Vision.Detection;

/// <summary>Settings for OpenCV's built-in HOG + linear SVM people detector (Dalal–Triggs, trained on INRIA).</summary>
public sealed class HogPersonOptions
{
    /// <summary>SVM margin a window must exceed; raise it to trade recall for fewer false persons. Default 0.</summary>
    public double HitThreshold { get; init; }

    /// <summary>Detections scoring below this after grouping are dropped. Default 0.3.</summary>
    public double MinConfidence { get; init; } = 0.3;

    /// <summary>Window stride in pixels. Default 8 (one HOG cell).</summary>
    public int Stride { get; init; } = 8;

    /// <summary>Pyramid step between scales. Default 1.05 (OpenCV's); 1.1 is about twice as fast and misses more.</summary>
    public double Scale { get; init; } = 1.05;

    /// <summary>Pixels added around each motion region before searching it, as a fraction of the region's height,
    /// because motion often covers only the moving limbs. Default 0.5.</summary>
    public double RegionMargin { get; init; } = 0.5;

    /// <summary>Smallest region searched around a motion box, in pixels. Motion often covers only the legs or an
    /// arm, and a person h px tall needs a window about 1.33·h tall. Default 160 × 240 (people up to ~180 px).</summary>
    public int MinRegionWidth { get; init; } = 160;

    /// <inheritdoc cref="MinRegionWidth"/>
    public int MinRegionHeight { get; init; } = 240;

    /// <summary>Shrink boxes to the person inside the 64×128 window (the window has ~12.5 % margin above and below),
    /// so the bottom-centre is at the feet. Default true.</summary>
    public bool TightenBoxes { get; init; } = true;

    /// <summary>How far a search region may reach outside the picture, filled with the edge's pixels, so a person
    /// walking along an edge (or entering through it) still fits a detection window. Default 48 px.</summary>
    public int EdgePadding { get; init; } = 48;
}
