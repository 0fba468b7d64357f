using OpenCvSharp;
using SmartCommunity.Vision.Frames;
using SmartCommunity.Vision.Interop;

namespace SmartCommunity.Vision.Motion;

/// <summary>
/// Frigate's improved motion detector: luma → resize to 100 px high → contrast stretch → 3×3 Gaussian blur →
/// absdiff against a running average → threshold → dilate → connected regions. A change over most of the frame
/// (IR switch, lightning, brightness jump) recalibrates the average instead of raising motion.
/// </summary>
/// <remarks>
/// Steady state allocates nothing managed: every Mat and its native wrapper is created once, because OpenCvSharp
/// allocates a wrapper object each time a Mat is passed to Cv2. Regions are the 8-connected components of the
/// dilated mask, which are the regions Frigate's external contours enclose, with the area counted in pixels
/// (Frigate uses the contour polygon's area, a little smaller); FindContours would allocate point arrays on every
/// frame. The resize and the labelling are our own loops (see <see cref="BilinearDownscaler"/> and
/// <see cref="RegionLabeller"/>): they were the two slowest OpenCV calls. Not thread-safe: one detector per camera.
/// </remarks>
public sealed partial class MotionDetector : IDisposable
{
    private readonly MotionOptions _options;
    private readonly MotionResult _result = new();
    private readonly int[] _histogram = new int[4 * 256];
    private readonly byte[] _contrastMin;
    private readonly byte[] _contrastMax;
    private int _contrastIndex;
    private bool _restartContrast = true;
    private bool _maskValid;
    private bool _compensated;
    private MotionBuffers? _buffers;
    private bool _calibrating = true;
    private bool _seedAverage = true;
    private int _calibrationFrames;
    private int _motionRun;
    private int _stillRun;

    public MotionDetector(MotionOptions? options = null)
    {
        _options = options ?? new MotionOptions();
        _options.Validate();
        _contrastMin = new byte[_options.ContrastHistory];
        _contrastMax = new byte[_options.ContrastHistory];
    }

    public MotionOptions Options => _options;

    /// <summary>Detects motion in a pooled frame's luma plane (the allocation-free path).</summary>
    public MotionResult Detect(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return Detect(frame.LumaInput, frame.Width, frame.Height);
    }

    /// <summary>Detects motion in an 8-bit single-channel image. Wraps the Mat on every call; prefer frames.</summary>
    public MotionResult Detect(Mat luma)
    {
        ArgumentNullException.ThrowIfNull(luma);
        if (luma.Type() != MatType.CV_8UC1)
        {
            throw new ArgumentException("Motion detection needs an 8-bit single-channel (luma) image.", nameof(luma));
        }

        using var input = CvArray.Input(luma);
        return Detect(input, luma.Width, luma.Height);
    }

    private MotionResult Detect(CvArray luma, int width, int height)
    {
        var b = _buffers;
        if (b is null || b.SourceWidth != width || b.SourceHeight != height)
        {
            b?.Dispose(); // Should be rare: first frame, or the camera changed resolution.
            b = _buffers = new MotionBuffers(width, height, _options.FrameHeight);
            _calibrating = true;
            _calibrationFrames = 0;
            _seedAverage = true;
            _maskValid = false;
        }

        b.Downscaler.Run(luma.Mat.Data, luma.Mat.Step(), b.Small.Data, b.Small.Step());
        if (_options.ImproveContrast)
        {
            StretchContrast(b);
        }

        Cv.GaussianBlur3(b.SmallIn, b.SmallOut);
        if (_seedAverage)
        {
            // Should be rare: the first frame is the background, rather than learning it up from black.
            b.Small.ConvertTo(b.Average, MatType.CV_32FC1);
            _seedAverage = false;
        }

        else if (!_calibrating && _maskValid)
        {
            FollowBackgroundLevel(b);
        }

        Cv.ConvertScaleAbs(b.AverageIn, b.Average8Out);
        Cv.AbsDiff(b.SmallIn, b.Average8In, b.DeltaOut);
        Cv.ThresholdBinary(b.DeltaIn, b.DeltaOut, _options.Threshold);
        Cv.Dilate3(b.DeltaIn, b.MaskOut);
        _maskValid = true;
        CountMotionRuns(b);
        b.Labeller.Run(b.Mask.Data, b.Mask.Step());

        _result.BoxList.Clear();
        var changed = CollectRegions(b);
        var fraction = changed / (double)(b.SmallSize.Width * b.SmallSize.Height);
        UpdateAverage(b, fraction);
        _compensated = false;
        _result.ChangedFraction = fraction;
        _result.Calibrating = _calibrating;
        Debounce();
        return _result;
    }

    private long CollectRegions(MotionBuffers b)
    {
        long changed = 0;
        for (var i = 0; i < b.Labeller.Count; i++)
        {
            var (x, y, width, height, area) = b.Labeller.Region(i);
            changed += area;
            if (area > _options.ContourArea)
            {
                _result.BoxList.Add(b.ToSource(x, y, width, height));
            }
        }

        return changed;
    }

    private void UpdateAverage(MotionBuffers b, double fraction)
    {
        // Deviation from Frigate: calibration also lasts MinCalibrationFrames. Frigate ends it as soon as < 5 % of
        // the frame differs, but after 2–3 frames at α 0.2 half of a non-uniform change (clipped shadows after a
        // brightness drop) is still in the average and comes back as motion.
        // Deviation from Frigate: calibration also ends after MaxCalibrationFrames, because water that glints or a
        // crowd keep more than 5 % of the frame moving for good, and Frigate's test would then never pass.
        if (_calibrating && ++_calibrationFrames >= _options.MinCalibrationFrames
            && ((fraction < _options.CalibratedBelowFraction && _result.BoxList.Count <= _options.CalibratedMaxRegions)
                || _calibrationFrames >= _options.MaxCalibrationFrames))
        {
            _calibrating = false;
        }

        if (fraction > _options.LightningThreshold || (_compensated && fraction > _options.CompensatedMaxFraction))
        {
            _calibrating = true; // Lightning, IR cut filter, PTZ move or a global brightness jump: relearn, don't alarm.
            _calibrationFrames = 0;
            _restartContrast = true;
        }

        if (_calibrating)
        {
            _result.BoxList.Clear();
            Cv.AccumulateWeighted(b.SmallIn, b.AverageInOut, _options.CalibrationAlpha);
        }
        else if (_result.BoxList.Count > 0)
        {
            // Only fold a moving scene into the background where the change persists (a parked car, a moved chair).
            FoldInStill(b);
        }
        else
        {
            Cv.AccumulateWeighted(b.SmallIn, b.AverageInOut, _options.FrameAlpha);
        }
    }

    private unsafe void StretchContrast(MotionBuffers b)
    {
        var pixels = new ReadOnlySpan<byte>((void*)b.Small.Data, b.SmallSize.Width * b.SmallSize.Height);
        var counted = _maskValid ? Histogram(pixels, new ReadOnlySpan<byte>((void*)b.Mask.Data, pixels.Length)) : 0;
        if (counted < pixels.Length / 2)
        {
            Histogram(pixels); // First frame, or most of the picture moved: the whole frame.
            counted = pixels.Length;
        }

        var low = Percentile(counted, 0.04);
        var high = Percentile(counted, 0.96);
        if (low >= high)
        {
            return; // A single-colour frame: nothing to stretch.
        }

        if (_restartContrast)
        {
            // Deviation from Frigate, which starts the history at 0–255 and keeps it across recalibration: the
            // stretch then drifts for 50 frames, faster than the α 0.01 average follows, and the drift itself reads
            // as motion. Restarting the history from the current frame makes the new range apply at once.
            Array.Fill(_contrastMin, low);
            Array.Fill(_contrastMax, high);
            _restartContrast = false;
        }
        else
        {
            CompensateJump(low, high);
        }

        _contrastMin[_contrastIndex] = low;
        _contrastMax[_contrastIndex] = high;
        _contrastIndex = (_contrastIndex + 1) % _contrastMin.Length;
        double sumMin = 0, sumMax = 0;
        for (var i = 0; i < _contrastMin.Length; i++)
        {
            sumMin += _contrastMin[i];
            sumMax += _contrastMax[i];
        }

        // Deviation from Frigate: the range gets ContrastHeadroom on each side. Frigate clips at the percentiles, so a
        // dark person over the darkest ground (or a light one over the lightest) maps to nearly the same grey as it
        // and vanishes from the mask: on synthetic walkers the upper body disappeared over a dark paving block.
        var min = sumMin / _contrastMin.Length;
        var max = sumMax / _contrastMax.Length;
        var headroom = (max - min) * _options.ContrastHeadroom;
        (min, max) = (Math.Max(0, min - headroom), Math.Min(255, max + headroom));
        var lut = new Span<byte>((void*)b.Lut.Data, 256);
        for (var v = 0; v < 256; v++)
        {
            var clipped = Math.Clamp(v, min, max);
            lut[v] = (byte)((clipped - min) / (max - min) * 255);
        }

        Cv.Lut(b.SmallIn, b.LutIn, b.SmallOut);
    }

    /// <summary>Four interleaved histograms: neighbouring pixels are often equal, and one table would make every
    /// increment wait for the previous one to the same bin.</summary>
    private unsafe void Histogram(ReadOnlySpan<byte> pixels)
    {
        Array.Clear(_histogram);
        fixed (int* h = _histogram)
        fixed (byte* p = pixels)
        {
            var n = pixels.Length & ~3;
            for (var i = 0; i < n; i += 4)
            {
                h[p[i]]++;
                h[256 + p[i + 1]]++;
                h[512 + p[i + 2]]++;
                h[768 + p[i + 3]]++;
            }

            for (var i = n; i < pixels.Length; i++)
            {
                h[p[i]]++;
            }

            for (var v = 0; v < 256; v++)
            {
                h[v] += h[256 + v] + h[512 + v] + h[768 + v];
            }
        }
    }

    private byte Percentile(int total, double fraction)
    {
        var rank = (int)(fraction * (total - 1));
        var seen = 0;
        for (var v = 0; v < 256; v++)
        {
            seen += _histogram[v];
            if (seen > rank)
            {
                return (byte)v;
            }
        }

        return 255;
    }

    private void Debounce()
    {
        _result.Started = false;
        _result.Ended = false;
        if (_result.HasMotion)
        {
            _motionRun++;
            _stillRun = 0;
        }
        else
        {
            _stillRun++;
            _motionRun = 0;
        }

        if (!_result.InMotion && _motionRun >= _options.StartFrames)
        {
            _result.InMotion = true;
            _result.Started = true;
        }
        else if (_result.InMotion && _stillRun >= _options.EndFrames)
        {
            _result.InMotion = false;
            _result.Ended = true;
        }
    }

    public void Dispose() => _buffers?.Dispose();
}
