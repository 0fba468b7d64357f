using System.Runtime.CompilerServices;
using OpenCvSharp;
using SmartCommunity.Vision.Frames;
using SmartCommunity.Vision.Sources;

namespace SmartCommunity.Vision.Tests.Support;

/// <summary>A 640×360 grey source whose frames a test draws; frame i is stamped i × 200 ms (5 fps stream time).</summary>
internal sealed class ScriptedFrameSource(int frames, Action<int, Mat> render) : IFrameSource
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 4, 0, 0, TimeSpan.Zero);

    public (int Width, int Height, FramePixelFormat Format) Shape => (640, 360, FramePixelFormat.Gray);

    public FrameSourceStop? LastStop { get; private set; }

    public async IAsyncEnumerable<Frame> ReadFramesAsync(FramePool pool, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 0; i < frames; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            var frame = pool.Rent();
            render(i, frame.Luma);
            frame.Sequence = i;
            frame.Timestamp = Start + TimeSpan.FromMilliseconds(200 * i);
            yield return frame;
        }

        LastStop = new FrameSourceStop(FrameSourceStopReason.EndOfStream, frames, 0, "");
    }
}
