namespace SmartCommunity.Vision.Motion;

/// <summary>The background model's deviations from Frigate for crowds and brightness steps (issue 16): what the average
/// learns while there is motion, following a global brightness step, and contrast percentiles of the background only.</summary>
public sealed partial class MotionDetector
{
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
}
