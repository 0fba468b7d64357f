using SmartCommunity.Vision.Events;

namespace SmartCommunity.Vision.Hosting;

/// <summary>Where a <see cref="CameraAnalysis"/> delivers what it saw: the gateway's ingest, or an edge agent's outbox.</summary>
public interface IVisionEventSink
{
    /// <summary>
    /// Delivers one event with the JPEG of the latest analysed frame (null when none could be taken). Returns false
    /// when the event was refused (counted by the caller); throwing is counted the same way and never stops analysis.
    /// </summary>
    ValueTask<bool> PublishAsync(VisionEvent visionEvent, byte[]? snapshotJpeg, CancellationToken cancellationToken);

    /// <summary>The camera's latest picture, at the host's low refresh rate; ignore it if there is nowhere to keep it.</summary>
    void SetLatestPicture(string cameraId, DateTimeOffset takenAt, byte[] jpeg)
    {
    }
}
