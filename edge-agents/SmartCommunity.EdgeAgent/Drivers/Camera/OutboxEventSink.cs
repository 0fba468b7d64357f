using System.Globalization;
using Microsoft.Extensions.Logging;
using SmartCommunity.EdgeAgent.Devices;
using SmartCommunity.Vision.Events;
using SmartCommunity.Vision.Hosting;

namespace SmartCommunity.EdgeAgent.Drivers.Camera;

/// <summary>
/// A camera's events into the agent's store-and-forward outbox (on disk before this returns true; numbered by the
/// device's publisher), with the snapshot kept on the box when a snapshot folder is configured.
/// </summary>
internal sealed class OutboxEventSink(IDeviceContext context, string? snapshotDirectory) : IVisionEventSink
{
    private long _saved;

    public async ValueTask<bool> PublishAsync(VisionEvent visionEvent, byte[]? snapshotJpeg, CancellationToken cancellationToken)
    {
        string? snapshot = null;
        if (snapshotJpeg is not null && snapshotDirectory is not null)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"{visionEvent.Timestamp.ToUnixTimeMilliseconds()}-{Interlocked.Increment(ref _saved)}.jpg");
            try
            {
                WriteAtomically(name, snapshotJpeg);
                snapshot = context.DeviceId + "/" + name;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The event matters more than its picture: it goes out without one.
                context.Logger.LogWarning("Device {DeviceId}: keeping a snapshot failed: {Error}", context.DeviceId, ex.Message);
            }
        }

        return await context.PublishEventAsync(VisionEventMapping.ToEventMessage(visionEvent, snapshot), cancellationToken).ConfigureAwait(false);
    }

    public void SetLatestPicture(string cameraId, DateTimeOffset takenAt, byte[] jpeg)
    {
        if (snapshotDirectory is not null)
        {
            WriteAtomically("latest.jpg", jpeg);
        }
    }

    private void WriteAtomically(string name, byte[] jpeg)
    {
        var folder = Path.Combine(snapshotDirectory!, context.DeviceId);
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, name + ".part");
        File.WriteAllBytes(temporary, jpeg);
        File.Move(temporary, Path.Combine(folder, name), overwrite: true);
    }
}
