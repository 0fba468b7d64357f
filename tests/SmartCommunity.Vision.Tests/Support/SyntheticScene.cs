using OpenCvSharp;
using SmartCommunity.Vision.Frames;

namespace SmartCommunity.Vision.Tests.Support;

/// <summary>
/// Draws frames with known ground truth: a fixed textured background (so contrast stretch and blur have something
/// to work on), optional sensor noise, a global brightness offset, and filled shapes at positions the test sets.
/// </summary>
internal sealed class SyntheticScene : IDisposable
{
    private readonly Mat _background;
    private readonly Mat _noise;
    private readonly RNG _rng = new(12345);

    public SyntheticScene(int width = 640, int height = 360)
    {
        Width = width;
        Height = height;
        _background = new Mat(height, width, MatType.CV_8UC1, Scalar.All(90));
        // Big fixed blocks of different greys: texture that does not change between frames.
        var blocks = new RNG(7);
        for (var i = 0; i < 40; i++)
        {
            var x = blocks.Uniform(0, width - 40);
            var y = blocks.Uniform(0, height - 40);
            var w = blocks.Uniform(20, 120);
            var h = blocks.Uniform(20, 90);
            Cv2.Rectangle(_background, new Rect(x, y, w, h), Scalar.All(blocks.Uniform(40, 170)), -1);
        }

        _noise = new Mat(height, width, MatType.CV_8SC1);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Standard deviation of per-pixel sensor noise, in grey levels. Default 3.</summary>
    public double NoiseSigma { get; set; } = 3;

    /// <summary>Added to every pixel (a lamp switched on, an IR switch).</summary>
    public int Brightness { get; set; }

    /// <summary>Renders the background, noise, brightness, then the objects (grey 230 filled boxes).</summary>
    public void Render(Mat target, params Rect[] objects)
    {
        _background.CopyTo(target);
        if (Brightness != 0)
        {
            Cv2.Add(target, Scalar.All(Brightness), target);
        }

        foreach (var o in objects)
        {
            Cv2.Rectangle(target, o, Scalar.All(230), -1);
        }

        if (NoiseSigma > 0)
        {
            _rng.Fill(_noise, DistributionType.Normal, Scalar.All(0), Scalar.All(NoiseSigma));
            using var noise16 = new Mat();
            _noise.ConvertTo(noise16, MatType.CV_16SC1);
            using var target16 = new Mat();
            target.ConvertTo(target16, MatType.CV_16SC1);
            Cv2.Add(target16, noise16, target16);
            target16.ConvertTo(target, MatType.CV_8UC1);
        }
    }

    public Frame RenderFrame(params Rect[] objects)
    {
        var frame = Frame.CreateUnpooled(Width, Height);
        Render(frame.Luma, objects);
        return frame;
    }

    public void Dispose()
    {
        _background.Dispose();
        _noise.Dispose();
    }
}
