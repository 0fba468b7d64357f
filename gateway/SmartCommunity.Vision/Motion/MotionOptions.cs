namespace SmartCommunity.Vision.Motion;

/// <summary>
/// Motion detection settings. Defaults follow Frigate's "improved" motion detector, which has been tuned on
/// thousands of home cameras; change them per camera only with a reason.
/// </summary>
public sealed class MotionOptions
{
    /// <summary>Height in pixels the luma plane is resized to before analysis (width keeps the aspect). Default 100.</summary>
    public int FrameHeight { get; init; } = 100;

    /// <summary>Per-pixel difference (0–255) from the running average that counts as change. Default 30.</summary>
    public int Threshold { get; init; } = 30;

    /// <summary>Minimum region area, in pixels of the resized frame, to report as motion. Default 10.</summary>
    public int ContourArea { get; init; } = 10;

    /// <summary>Weight of the current frame in the running average once calibrated. Default 0.01.</summary>
    public double FrameAlpha { get; init; } = 0.01;

    /// <summary>Weight of the current frame while (re)calibrating, so the average catches up fast. Default 0.2.</summary>
    public double CalibrationAlpha { get; init; } = 0.2;

    /// <summary>Fraction of the frame that, when changed at once, means lightning/IR switch/brightness jump:
    /// recalibrate instead of reporting motion. Default 0.8.</summary>
    public double LightningThreshold { get; init; } = 0.8;

    /// <summary>Calibration ends once less than this fraction of the frame changes... Default 0.05.</summary>
    public double CalibratedBelowFraction { get; init; } = 0.05;

    /// <summary>...and at most this many motion regions remain. Default 4.</summary>
    public int CalibratedMaxRegions { get; init; } = 4;

    /// <summary>Frames a (re)calibration lasts at least, so α 0.2 has folded ~90 % of the change in. Default 10
    /// (2 s at 5 fps). Frigate has no minimum.</summary>
    public int MinCalibrationFrames { get; init; } = 10;

    /// <summary>Fraction of the percentile range added below and above it before stretching, so objects darker or
    /// lighter than most of the scene keep their contrast instead of being clipped to its extremes. Default 0.25
    /// (Frigate: 0).</summary>
    public double ContrastHeadroom { get; init; } = 0.25;

    /// <summary>Frames after which a (re)calibration ends even though motion remains: a scene that never stops moving
    /// (shimmering water, a crowd) is analysed with what the average has learnt by then. Default 20 (4 s at 5 fps).</summary>
    public int MaxCalibrationFrames { get; init; } = 20;

    /// <summary>Stretch contrast between the 4th and 96th luma percentiles (averaged over <see cref="ContrastHistory"/>
    /// frames) so dim night scenes still reach the threshold. Default true.</summary>
    public bool ImproveContrast { get; init; } = true;

    /// <summary>Grey levels both background percentiles must move at once, the same way, to be taken for a global
    /// brightness step that the contrast stretch follows instead of recalibrating. 0: never (Frigate). Default 12
    /// (sensor noise moves them by 1–2).</summary>
    public int BrightnessStep { get; init; } = 12;

    /// <summary>A compensated brightness step that still leaves more than this fraction of the frame changed (clipped
    /// shadows, a non-uniform change) recalibrates after all. Default 0.3.</summary>
    public double CompensatedMaxFraction { get; init; } = 0.3;

    /// <summary>Mean difference (grey levels) of the still background from the average at which the average is moved
    /// by it at once (what a brightness step leaves after the stretch followed it). 0: never. Default 3.</summary>
    public double BackgroundLevelStep { get; init; } = 3;

    /// <summary>Frames over which the contrast limits are averaged. Default 50.</summary>
    public int ContrastHistory { get; init; } = 50;

    /// <summary>Consecutive frames a pixel must be motion before it is averaged in anyway, so a parked car stops
    /// being motion (Frigate: frames with any motion, then the whole frame). Default 10.</summary>
    public int AverageInAfterMotionFrames { get; init; } = 10;

    /// <summary>Consecutive motion frames before <c>MotionStart</c>. Default 2 (0.4 s at 5 fps).</summary>
    public int StartFrames { get; init; } = 2;

    /// <summary>Consecutive still frames before <c>MotionEnd</c>. Default 5 (1 s at 5 fps).</summary>
    public int EndFrames { get; init; } = 5;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(FrameHeight, 16);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Threshold);
        ArgumentOutOfRangeException.ThrowIfNegative(ContourArea);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(FrameAlpha);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(CalibrationAlpha);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCalibrationFrames, MinCalibrationFrames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ContrastHistory);
        ArgumentOutOfRangeException.ThrowIfNegative(BrightnessStep);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(StartFrames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EndFrames);
    }
}
