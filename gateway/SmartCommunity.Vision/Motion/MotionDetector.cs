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
public sealed class MotionDetector : IDisposable
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

    /// <summary>
    /// Deviation from Frigate: with motion in the frame, the average learns every pixel that is not motion, and a
    /// motion pixel only once it has been motion for <see cref="MotionOptions.AverageInAfterMotionFrames"/> frames in a
    /// row (a parked car, a moved chair). Frigate folds the whole frame in after that many frames with any motion: in
    /// a crowd there always is some, every walker was folded in where they passed, and the trails behind them grew
    /// their boxes past the counting line (issue 16).
    /// </summary>
    private unsafe void FoldInStill(MotionBuffers b)
    {
        var n = b.SmallSize.Width * b.SmallSize.Height;
        var small = (byte*)b.Small.Data;
        var average = (float*)b.Average.Data;
        var mask = (byte*)b.Mask.Data;
        var alpha = (float)_options.FrameAlpha;
        var persist = _options.AverageInAfterMotionFrames;
        fixed (byte* run = b.MotionRun)
        {
            for (var i = 0; i < n; i++)
            {
                if (mask[i] == 0 || run[i] >= persist)
                {
                    average[i] += alpha * (small[i] - average[i]);
                }
            }
        }
    }

    private static unsafe void CountMotionRuns(MotionBuffers b)
    {
        var n = b.SmallSize.Width * b.SmallSize.Height;
        var mask = (byte*)b.Mask.Data;
        fixed (byte* run = b.MotionRun)
        {
            for (var i = 0; i < n; i++)
            {
                run[i] = mask[i] == 0 ? (byte)0 : (byte)Math.Min(255, run[i] + 1);
            }
        }
    }

    /// <summary>
    /// What the stretch leaves of a brightness step (rounding, a percentile that moved a little less than the rest):
    /// the background's mean difference from the average, over the pixels that were not motion last frame, is added
    /// to the average when it reaches <see cref="MotionOptions.BackgroundLevelStep"/>. Otherwise a residue of 10–20
    /// grey levels plus the little a crowd folds in made trails behind walkers that reached the threshold, and the
    /// boxes' feet jumped back over the line (issue 16).
    /// </summary>
    private unsafe void FollowBackgroundLevel(MotionBuffers b)
    {
        var n = b.SmallSize.Width * b.SmallSize.Height;
        var small = (byte*)b.Small.Data;
        var average = (float*)b.Average.Data;
        var mask = (byte*)b.Mask.Data;
        double sum = 0;
        var count = 0;
        for (var i = 0; i < n; i++)
        {
            if (mask[i] == 0)
            {
                sum += small[i] - average[i];
                count++;
            }
        }

        var level = count < n / 2 ? 0 : sum / count;
        if (_options.BackgroundLevelStep <= 0 || Math.Abs(level) < _options.BackgroundLevelStep)
        {
            return;
        }

        var shift = (float)level;
        for (var i = 0; i < n; i++)
        {
            average[i] += shift;
        }
    }

    /// <summary>
    /// Deviation from Frigate: a global brightness step (a lamp, the IR cut filter, a cloud) moves the background's
    /// percentiles at once, both the same way. The contrast history is then moved with them, so the stretched frame
    /// stays what the average holds and nothing else changes: no motion, no recalibration. Frigate recalibrates for
    /// 2–4 s, blind meanwhile; with a crowd in view the learnt background took the walkers in as trails and every
    /// crossing in those seconds was lost (issue 16). A step that leaves much of the frame changed (clipped shadows)
    /// still recalibrates (see <see cref="UpdateAverage"/>).
    /// </summary>
    private void CompensateJump(byte low, byte high)
    {
        double sumMin = 0, sumMax = 0;
        for (var i = 0; i < _contrastMin.Length; i++)
        {
            sumMin += _contrastMin[i];
            sumMax += _contrastMax[i];
        }

        var dLow = low - (sumMin / _contrastMin.Length);
        var dHigh = high - (sumMax / _contrastMax.Length);
        var step = _options.BrightnessStep;
        if (step <= 0 || Math.Abs(dLow) < step || Math.Abs(dHigh) < step || Math.Sign(dLow) != Math.Sign(dHigh))
        {
            return;
        }

        for (var i = 0; i < _contrastMin.Length; i++)
        {
            _contrastMin[i] = (byte)Math.Clamp(Math.Round(_contrastMin[i] + dLow), 0, 255);
            _contrastMax[i] = (byte)Math.Clamp(Math.Round(_contrastMax[i] + dHigh), 0, 255);
        }

        _compensated = true;
        _result.BrightnessSteps++;
    }

    /// <summary>
    /// Deviation from Frigate: the percentiles are taken over the background only, leaving out the pixels that were
    /// motion in the previous frame (its dilated mask). Frigate takes them over the whole frame, so a crowd changes
    /// the stretch: on the synthetic crowds, three or four dark walkers in view were more than 4 % of the picture,
    /// the 4th percentile fell from the ground's grey to theirs, the whole ground shifted by more than the
    /// threshold and the frame became one region of motion, then a recalibration (issue 16: most crowd counts were
    /// lost that way). Returns how many pixels were counted.
    /// </summary>
    private unsafe int Histogram(ReadOnlySpan<byte> pixels, ReadOnlySpan<byte> previousMask)
    {
        Array.Clear(_histogram);
        var counted = 0;
        fixed (int* h = _histogram)
        fixed (byte* p = pixels)
        fixed (byte* m = previousMask)
        {
            for (var i = 0; i < pixels.Length; i++)
            {
                // Branch-free: a masked pixel adds 0 to its bin.
                var keep = (m[i] == 0) ? 1 : 0;
                h[p[i]] += keep;
                counted += keep;
            }
        }

        return counted;
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
