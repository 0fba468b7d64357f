namespace SmartCommunity.Vision.Motion;

/// <summary>
/// Bilinear downscale of an 8-bit plane with OpenCV's INTER_LINEAR sampling grid (pixel centres aligned,
/// 11-bit fixed-point weights), written out because cv::resize spent ~3× longer on a 640×360 → 178×100 shrink here
/// than this loop: only the two source rows each output row needs are touched, and the tables are built once.
/// </summary>
internal sealed class BilinearDownscaler
{
    private const int Bits = 11; // From OpenCV imgproc: INTER_RESIZE_COEF_BITS.
    private const int One = 1 << Bits;
    private readonly int[] _x0;
    private readonly int[] _fx;
    private readonly int[] _y0;
    private readonly int[] _fy;

    public BilinearDownscaler(int sourceWidth, int sourceHeight, int width, int height)
    {
        SourceWidth = sourceWidth;
        SourceHeight = sourceHeight;
        Width = width;
        Height = height;
        (_x0, _fx) = Table(sourceWidth, width);
        (_y0, _fy) = Table(sourceHeight, height);
    }

    public int SourceWidth { get; }

    public int SourceHeight { get; }

    public int Width { get; }

    public int Height { get; }

    public unsafe void Run(IntPtr source, long sourceStep, IntPtr target, long targetStep)
    {
        var src = (byte*)source;
        var dst = (byte*)target;
        fixed (int* x0 = _x0, fx = _fx)
        {
            for (var y = 0; y < Height; y++)
            {
                var row0 = src + (_y0[y] * sourceStep);
                var row1 = _y0[y] + 1 < SourceHeight ? row0 + sourceStep : row0;
                var wy = _fy[y];
                var output = dst + (y * targetStep);
                for (var x = 0; x < Width; x++)
                {
                    var i = x0[x];
                    var wx = fx[x];
                    var j = i + 1 < SourceWidth ? i + 1 : i;
                    var top = (row0[i] * (One - wx)) + (row0[j] * wx);
                    var bottom = (row1[i] * (One - wx)) + (row1[j] * wx);
                    output[x] = (byte)((((long)top * (One - wy)) + ((long)bottom * wy) + (1L << (2 * Bits - 1))) >> (2 * Bits));
                }
            }
        }
    }

    private static (int[] Index, int[] Weight) Table(int source, int target)
    {
        var index = new int[target];
        var weight = new int[target];
        var scale = source / (double)target;
        for (var d = 0; d < target; d++)
        {
            // OpenCV INTER_LINEAR: centre-aligned source coordinate, clamped at the borders.
            var s = ((d + 0.5) * scale) - 0.5;
            var i = (int)Math.Floor(s);
            var f = s - i;
            if (i < 0)
            {
                i = 0;
                f = 0;
            }

            if (i >= source - 1)
            {
                i = source - 1;
                f = 0;
            }

            index[d] = i;
            weight[d] = (int)Math.Round(f * One);
        }

        return (index, weight);
    }
}
