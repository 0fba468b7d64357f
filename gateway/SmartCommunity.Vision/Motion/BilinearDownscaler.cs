using System.Runtime.Intrinsics.X86;

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
                // The tables never point at the last row/column with a weight on the next one, so no bounds branch.
                var row0 = src + (_y0[y] * sourceStep);
                var row1 = row0 + (_fy[y] == 0 ? 0 : sourceStep);
                var wy = _fy[y];
                var output = dst + (y * targetStep);
                if (Sse.IsSupported && y + 2 < Height)
                {
                    // Rows are skipped (3.6 source rows per output row here), which the hardware prefetcher does not
                    // follow: ask for the rows two output rows ahead while this one is computed.
                    var ahead = src + (_y0[y + 2] * sourceStep);
                    for (var line = 0; line < SourceWidth; line += 64)
                    {
                        Sse.Prefetch0(ahead + line);
                        Sse.Prefetch0(ahead + sourceStep + line);
                    }
                }

                for (var x = 0; x < Width; x++)
                {
                    var i = x0[x];
                    var wx = fx[x];
                    var top = (row0[i] << Bits) + ((row0[i + 1] - row0[i]) * wx);
                    var bottom = (row1[i] << Bits) + ((row1[i + 1] - row1[i]) * wx);
                    // Fits in int: top, bottom ≤ 255·2^11, and the weights sum to 2^11.
                    output[x] = (byte)(((top << Bits) + ((bottom - top) * wy) + (1 << ((2 * Bits) - 1))) >> (2 * Bits));
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
                // Same sample as OpenCV's clamp to the last pixel, written as full weight on it from its left
                // neighbour, so the loop can always read index + 1.
                i = source - 2;
                f = 1;
            }

            index[d] = i;
            weight[d] = (int)Math.Round(f * One);
        }

        return (index, weight);
    }
}
