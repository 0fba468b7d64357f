using SmartCommunity.Vision.Frames;

namespace SmartCommunity.Vision.Sources;

/// <summary>Decodes a camera stream into frames at the detect rate and resolution.</summary>
public interface IFrameSource
{
    /// <summary>Width and height of the frames produced.</summary>
    (int Width, int Height, FramePixelFormat Format) Shape { get; }

    /// <summary>Why the latest run ended; null while running or before the first run.</summary>
    FrameSourceStop? LastStop { get; }

    /// <summary>
    /// Yields frames rented from <paramref name="pool"/>; the consumer releases each one. Ends normally at the end of
    /// a finite stream; throws <see cref="FrameSourceException"/> when the source fails, stalls or cannot start.
    /// </summary>
    IAsyncEnumerable<Frame> ReadFramesAsync(FramePool pool, CancellationToken cancellationToken);
}
