using System.Buffers;
using System.Text.Json;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Video.Snapshots;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Serialization;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Vision.Events;
using SmartCommunity.Vision.Hosting;

namespace SmartCommunity.Gateway.VideoAnalysis;

/// <summary>
/// One camera's events into the gateway's ingest as if the camera had published them on its event topic: the same
/// decode, validation, de-duplication and every <see cref="IDeviceMessageHandler"/>, without the MQTT round trip.
/// <c>boot</c> is the gateway's start (epoch seconds) and <c>seq</c> counts from 0, so a gateway restart starts a
/// new sequence the ingest accepts. Lives as long as the gateway, across pipeline restarts, so numbers never repeat.
/// </summary>
internal sealed class IngestEventSink(string cameraId, IngestPipeline ingest, ISnapshotStore? snapshots, long boot, AnalysisMetrics metrics) : IVisionEventSink
{
    private readonly string _topic = TopicScheme.Event(cameraId);
    private long _nextSeq;

    public async ValueTask<bool> PublishAsync(VisionEvent visionEvent, byte[]? snapshotJpeg, CancellationToken cancellationToken)
    {
        string? snapshot = null;
        if (snapshotJpeg is not null && snapshots is not null)
        {
            try
            {
                snapshot = snapshots.Save(cameraId, visionEvent.Timestamp, snapshotJpeg);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // The event matters more than its picture: it goes out without one, and the failure is counted.
                metrics.SnapshotSaveFailures.Inc();
            }
        }

        return await PublishAsync(VisionEventMapping.ToEventMessage(visionEvent, snapshot), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An event about this camera from elsewhere in the gateway (a GB/T 28181 alarm), numbered in the same sequence.</summary>
    public async ValueTask<bool> PublishAsync(EventMessage message, CancellationToken cancellationToken)
    {
        message = message with { Seq = Interlocked.Increment(ref _nextSeq) - 1, Boot = boot };
        var payload = JsonSerializer.SerializeToUtf8Bytes(message, ProtocolJsonContext.Default.EventMessage);
        var verdict = await ingest.AcceptAsync(_topic, new ReadOnlySequence<byte>(payload), sender: null, cancellationToken).ConfigureAwait(false);
        return verdict.IsAccepted;
    }

    public void SetLatestPicture(string cameraId, DateTimeOffset takenAt, byte[] jpeg) => snapshots?.SetLatest(cameraId, takenAt, jpeg);
}
