using OpenCvSharp;
using SmartCommunity.Vision.Geometry;

namespace SmartCommunity.Vision.Detection;

/// <summary>
/// Finds people with <see cref="HOGDescriptor.GetDefaultPeopleDetector"/>, which ships inside OpenCV (no model
/// download). Searches only the given motion regions (grown by a margin, merged, at least one 64×128 window), or
/// the whole frame when none are given. Not thread-safe: one detector per camera.
/// </summary>
public sealed class HogPersonDetector : IObjectDetector, IDisposable
{
    public const string PersonLabel = "person";

    // From OpenCV's HOGDescriptor defaults: a 64×128 detection window.
    private static readonly Size Window = new(64, 128);
    private readonly HogPersonOptions _options;
    private readonly HOGDescriptor _hog = new();
    private readonly List<Rect> _regions = [];
    private readonly List<DetectedObject> _found = [];
    private readonly Mat _padded = new();

    public HogPersonDetector(HogPersonOptions? options = null)
    {
        _options = options ?? new HogPersonOptions();
        _hog.SetSVMDetector(HOGDescriptor.GetDefaultPeopleDetector());
    }

    /// <summary>Windows searched in the latest call (whole frame or merged regions), for diagnostics.</summary>
    public IReadOnlyList<Rect> SearchedRegions => _regions;

    public void Detect(Mat luma, ReadOnlySpan<Rect> regions, List<DetectedObject> results)
    {
        ArgumentNullException.ThrowIfNull(luma);
        ArgumentNullException.ThrowIfNull(results);
        var frame = new Rect(0, 0, luma.Width, luma.Height);
        PlanRegions(frame, regions);
        _found.Clear();
        foreach (var region in _regions)
        {
            using var inner = new Mat(luma, region & frame);
            var roi = inner;
            if ((region & frame) != region)
            {
                // A person close to an edge: HOG's window (≈ 1.33 × their height) would stick out of the picture and
                // never be tried, so the region is padded with the edge's own pixels.
                var visible = region & frame;
                Cv2.CopyMakeBorder(inner, _padded, visible.Top - region.Top, region.Bottom - visible.Bottom, visible.Left - region.Left,
                    region.Right - visible.Right, BorderTypes.Replicate);
                roi = _padded;
            }

            var boxes = _hog.DetectMultiScale(roi, out var weights, _options.HitThreshold, new Size(_options.Stride, _options.Stride), new Size(0, 0), _options.Scale, 2);
            for (var i = 0; i < boxes.Length; i++)
            {
                if (weights[i] >= _options.MinConfidence)
                {
                    var box = boxes[i] + region.Location;
                    _found.Add(new DetectedObject(Tighten(box) & frame, PersonLabel, (float)weights[i]));
                }
            }
        }

        SuppressDuplicates(results);
    }

    private void PlanRegions(Rect frame, ReadOnlySpan<Rect> motion)
    {
        _regions.Clear();
        if (motion.IsEmpty)
        {
            _regions.Add(frame);
            return;
        }

        foreach (var m in motion)
        {
            var margin = (int)(m.Height * _options.RegionMargin);
            var grown = new Rect(m.X - margin, m.Y - margin, m.Width + (2 * margin), m.Height + (2 * margin));
            // Up to EdgePadding outside the picture: see Detect.
            var pad = _options.EdgePadding;
            var padded = new Rect(-pad, -pad, frame.Width + (2 * pad), frame.Height + (2 * pad));
            Merge(AtLeast(grown, padded) & padded);
        }
    }

    /// <summary>Adds a region, folding in every region it overlaps so no person is searched twice.</summary>
    private void Merge(Rect region)
    {
        for (var i = _regions.Count - 1; i >= 0; i--)
        {
            if ((_regions[i] & region).Width > 0 && (_regions[i] & region).Height > 0)
            {
                region |= _regions[i];
                _regions.RemoveAt(i);
            }
        }

        _regions.Add(region);
    }

    private Rect AtLeast(Rect r, Rect frame)
    {
        var w = Math.Max(r.Width, Math.Max(_options.MinRegionWidth, Window.Width + 16));
        var h = Math.Max(r.Height, Math.Max(_options.MinRegionHeight, Window.Height + 16));
        var x = Math.Clamp(r.X - ((w - r.Width) / 2), frame.X, Math.Max(frame.X, frame.Right - w));
        var y = Math.Clamp(r.Y - ((h - r.Height) / 2), frame.Y, Math.Max(frame.Y, frame.Bottom - h));
        return new Rect(x, y, w, h);
    }

    private Rect Tighten(Rect box)
    {
        if (!_options.TightenBoxes)
        {
            return box;
        }

        // The INRIA training windows put the person's 96 px body in the middle of 128 px and ~32 of 64 px wide.
        var dy = box.Height / 8;
        var dx = box.Width / 5;
        return new Rect(box.X + dx, box.Y + dy, box.Width - (2 * dx), box.Height - (2 * dy));
    }

    /// <summary>Regions can overlap after merging at different times; keep the best of boxes that overlap by half.</summary>
    private void SuppressDuplicates(List<DetectedObject> results)
    {
        _found.Sort(static (a, b) => b.Confidence.CompareTo(a.Confidence));
        var start = results.Count;
        foreach (var d in _found)
        {
            var duplicate = false;
            for (var i = start; i < results.Count && !duplicate; i++)
            {
                duplicate = BoxPoints.IoU(results[i].Box, d.Box) > 0.5;
            }

            if (!duplicate)
            {
                results.Add(d);
            }
        }
    }

    public void Dispose()
    {
        _hog.Dispose();
        _padded.Dispose();
    }
}
