using OpenCvSharp;
using SmartCommunity.Vision.Interop;

namespace SmartCommunity.Vision.Frames;

/// <summary>Layout of the raw bytes a frame source writes into a <see cref="Frame"/>.</summary>
public enum FramePixelFormat
{
    /// <summary>8-bit luma only (ffmpeg <c>-pix_fmt gray</c>): the cheapest to move and all motion needs.</summary>
    Gray,

    /// <summary>Planar I420 (ffmpeg <c>-pix_fmt yuv420p</c>): luma plane first, then chroma; snapshots come out in colour.</summary>
    Yuv420P,
}

/// <summary>
/// One decoded frame held in pooled unmanaged memory (a <see cref="Mat"/> that is reused, never reallocated).
/// Whoever took it from a <see cref="FramePool"/> gives it back with <see cref="Release"/>.
/// </summary>
public sealed class Frame : IDisposable
{
    private readonly FramePool? _pool;

    internal Frame(FramePool? pool, int width, int height, FramePixelFormat format)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 2);
        _pool = pool;
        Width = width;
        Height = height;
        Format = format;
        var rows = format == FramePixelFormat.Gray ? height : height * 3 / 2;
        Buffer = new Mat(rows, width, MatType.CV_8UC1);
        // The luma view lives as long as the frame and is disposed with it.
#pragma warning disable OCVS004
        Luma = format == FramePixelFormat.Gray ? Buffer : Buffer.RowRange(0, height);
#pragma warning restore OCVS004
        // Wrapping a Mat for a Cv2 call allocates; frames are pooled, so wrap once (see CvArray).
        LumaInput = CvArray.Input(Luma);
    }

    public int Width { get; }

    public int Height { get; }

    public FramePixelFormat Format { get; }

    /// <summary>All raw bytes (luma, then chroma for <see cref="FramePixelFormat.Yuv420P"/>).</summary>
    public Mat Buffer { get; }

    /// <summary>The luma plane, <see cref="Width"/> × <see cref="Height"/>, 8-bit.</summary>
    public Mat Luma { get; }

    internal CvArray LumaInput { get; }

    /// <summary>Number of raw bytes one frame occupies on the wire.</summary>
    public int ByteCount => (int)Buffer.Total();

    /// <summary>Position in the source's stream, from 0.</summary>
    public long Sequence { get; set; }

    public DateTimeOffset Timestamp { get; set; }

    /// <summary>The raw bytes as a span, for sources that fill the frame in place.</summary>
    public unsafe Span<byte> RawBytes => new((void*)Buffer.Data, ByteCount);

    public static Frame CreateUnpooled(int width, int height, FramePixelFormat format = FramePixelFormat.Gray) =>
        new(null, width, height, format);

    /// <summary>Gives the frame back to its pool (or frees it when it has none).</summary>
    public void Release()
    {
        if (_pool is null)
        {
            Dispose();
        }
        else
        {
            _pool.Return(this);
        }
    }

    public void Dispose()
    {
        LumaInput.Dispose();
        if (!ReferenceEquals(Luma, Buffer))
        {
            Luma.Dispose();
        }

        Buffer.Dispose();
    }
}
