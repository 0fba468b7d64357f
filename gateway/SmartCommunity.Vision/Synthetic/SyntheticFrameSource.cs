using System.Runtime.CompilerServices;
using SmartCommunity.Vision.Frames;
using SmartCommunity.Vision.Sources;

namespace SmartCommunity.Vision.Synthetic;

/// <summary>
/// A <see cref="SyntheticClip"/> as a frame source, rendered in process (no encoding): frame i is stamped
/// <see cref="Start"/> + i / fps. For tests and benchmarks that need every frame fast; the decode path itself is
/// exercised by writing the clip with <see cref="SyntheticClipWriter"/> and reading it with ffmpeg.
/// </summary>
public sealed class SyntheticFrameSource(SyntheticClip clip, DateTimeOffset start) : IFrameSource
{
    public DateTimeOffset Start => start;

    public (int Width, int Height, FramePixelFormat Format) Shape => (clip.Width, clip.Height, FramePixelFormat.Gray);

    public FrameSourceStop? LastStop { get; private set; }

    /// <summary>The stream time of frame <paramref name="index"/>.</summary>
    public DateTimeOffset TimeOf(int index) => start + TimeSpan.FromSeconds(index / clip.Fps);

    public async IAsyncEnumerable<Frame> ReadFramesAsync(FramePool pool, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pool);
        clip.Validate();
        for (var i = 0; i < clip.Frames; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            var frame = pool.Rent();
            clip.Render(i, frame.Luma);
            frame.Sequence = i;
            frame.Timestamp = TimeOf(i);
            yield return frame;
        }

        LastStop = new FrameSourceStop(FrameSourceStopReason.EndOfStream, clip.Frames, 0, "");
    }
}
