using OpenCvSharp;
using SmartCommunity.Vision.Interop;

namespace SmartCommunity.Vision.Motion;

/// <summary>The Mats one motion detector reuses on every frame, each wrapped once for Cv2 calls.</summary>
internal sealed class MotionBuffers : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly double _scale;

    public MotionBuffers(int sourceWidth, int sourceHeight, int frameHeight)
    {
        SourceWidth = sourceWidth;
        SourceHeight = sourceHeight;
        var height = Math.Min(frameHeight, sourceHeight);
        _scale = height / (double)sourceHeight;
        SmallSize = new Size(Math.Max(1, (int)Math.Round(sourceWidth * _scale)), height);
        Small = Own(new Mat(SmallSize, MatType.CV_8UC1));
        Average = Own(new Mat(SmallSize, MatType.CV_32FC1, Scalar.All(0)));
        Average8 = Own(new Mat(SmallSize, MatType.CV_8UC1));
        Delta = Own(new Mat(SmallSize, MatType.CV_8UC1));
        Mask = Own(new Mat(SmallSize, MatType.CV_8UC1));
        Lut = Own(new Mat(1, 256, MatType.CV_8UC1));
        MotionRun = new byte[SmallSize.Width * SmallSize.Height];
        Downscaler = new BilinearDownscaler(sourceWidth, sourceHeight, SmallSize.Width, SmallSize.Height);
        Labeller = new RegionLabeller(SmallSize.Width, SmallSize.Height);
        SmallIn = Own(CvArray.Input(Small));
        SmallOut = Own(CvArray.Output(Small));
        AverageIn = Own(CvArray.Input(Average));
        AverageInOut = Own(CvArray.Output(Average));
        Average8In = Own(CvArray.Input(Average8));
        Average8Out = Own(CvArray.Output(Average8));
        DeltaIn = Own(CvArray.Input(Delta));
        DeltaOut = Own(CvArray.Output(Delta));
        MaskIn = Own(CvArray.Input(Mask));
        MaskOut = Own(CvArray.Output(Mask));
        LutIn = Own(CvArray.Input(Lut));
    }

    public int SourceWidth { get; }

    public int SourceHeight { get; }

    public Size SmallSize { get; }

    public Mat Small { get; }

    public Mat Average { get; }

    public Mat Average8 { get; }

    public Mat Delta { get; }

    public Mat Mask { get; }

    public Mat Lut { get; }

    /// <summary>Per pixel of the resized frame: consecutive frames it has been in the motion mask (saturating).</summary>
    public byte[] MotionRun { get; }

    public BilinearDownscaler Downscaler { get; }

    public RegionLabeller Labeller { get; }

    public CvArray SmallIn { get; }

    public CvArray SmallOut { get; }

    public CvArray AverageIn { get; }

    public CvArray AverageInOut { get; }

    public CvArray Average8In { get; }

    public CvArray Average8Out { get; }

    public CvArray DeltaIn { get; }

    public CvArray DeltaOut { get; }

    public CvArray MaskIn { get; }

    public CvArray MaskOut { get; }

    public CvArray LutIn { get; }


    /// <summary>Maps a region of the resized frame back to source (detect-resolution) pixels.</summary>
    public Rect ToSource(int x, int y, int width, int height)
    {
        var left = (int)(x / _scale);
        var top = (int)(y / _scale);
        var right = Math.Min(SourceWidth, (int)Math.Ceiling((x + width) / _scale));
        var bottom = Math.Min(SourceHeight, (int)Math.Ceiling((y + height) / _scale));
        return new Rect(left, top, right - left, bottom - top);
    }

    private T Own<T>(T item)
        where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }

    public void Dispose()
    {
        // Wrappers first, then the Mats they point at.
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }
    }
}
