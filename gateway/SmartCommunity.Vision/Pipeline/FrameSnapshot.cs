using OpenCvSharp;
using SmartCommunity.Vision.Frames;

namespace SmartCommunity.Vision.Pipeline;

/// <summary>
/// Keeps a copy of the latest analysed frame (a memcpy into a reused Mat, no allocation) and encodes it to JPEG
/// only when someone asks, so snapshots cost nothing on the per-frame path.
/// </summary>
internal sealed class FrameSnapshot(int width, int height, FramePixelFormat format) : IDisposable
{
    private readonly Mat _latest = new(format == FramePixelFormat.Gray ? height : height * 3 / 2, width, MatType.CV_8UC1);
    private readonly Lock _lock = new();
    private bool _has;
    private bool _disposed;

    public unsafe void Keep(Frame frame)
    {
        lock (_lock)
        {
            var bytes = frame.ByteCount;
            Buffer.MemoryCopy((void*)frame.Buffer.Data, (void*)_latest.Data, bytes, bytes);
            _has = true;
        }
    }

    public byte[]? Encode(int quality)
    {
        lock (_lock)
        {
            if (!_has || _disposed)
            {
                return null; // Also after disposal: a host may ask for a last picture while the camera is removed.
            }

            var parameters = new ImageEncodingParam(ImwriteFlags.JpegQuality, Math.Clamp(quality, 1, 100));
            if (format == FramePixelFormat.Gray)
            {
                Cv2.ImEncode(".jpg", _latest, out var gray, parameters);
                return gray;
            }

            using var bgr = new Mat();
            Cv2.CvtColor(_latest, bgr, ColorConversionCodes.YUV2BGR_I420);
            Cv2.ImEncode(".jpg", bgr, out var colour, parameters);
            return colour;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _latest.Dispose();
        }
    }
}
