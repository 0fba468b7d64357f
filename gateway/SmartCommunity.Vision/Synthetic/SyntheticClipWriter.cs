using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using SmartCommunity.Media.Simulation;

namespace SmartCommunity.Vision.Synthetic;

/// <summary>
/// Writes a <see cref="SyntheticClip"/> as an H.264 MP4 (yuv420p, the clip's fps) through the ffmpeg module's
/// <see cref="RawVideoEncoder"/>, so the clip reaches analysis through the same decode path as a camera's.
/// </summary>
public static class SyntheticClipWriter
{
    /// <summary>Renders every frame of <paramref name="clip"/> into <paramref name="path"/> (replaced once ffmpeg succeeded).</summary>
    /// <exception cref="InvalidOperationException">ffmpeg failed; the message has its last words.</exception>
    public static async Task WriteMp4Async(SyntheticClip clip, string path, string ffmpegPath = "ffmpeg", ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        clip.Validate();
        using var frame = new Mat(clip.Height, clip.Width, MatType.CV_8UC1);
        await RawVideoEncoder.WriteAsync(ffmpegPath, clip.Width, clip.Height, clip.Fps, ClipContainer.Mp4, path, clip.Frames, (i, bytes) =>
        {
            clip.Render(i, frame);
            Marshal.Copy(frame.Data, bytes, 0, bytes.Length);
        }, logger ?? NullLogger.Instance, cancellationToken).ConfigureAwait(false);
    }
}
