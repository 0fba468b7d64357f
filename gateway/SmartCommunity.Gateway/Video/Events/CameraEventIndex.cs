using System.Threading.Channels;
using System.Data.Common;
using Dapper;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Video.Recording;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.Video.Events;

/// <summary>A camera event kept as a bookmark into the footage.</summary>
public sealed record CameraEvent(long Id, string CameraId, DateTimeOffset At, string Type, string? Zone, string? Line, string? Direction, long? Track, string? Label, string? Snapshot);

/// <summary>
/// Bookmarks camera events (<c>motion_start</c>, <c>zone_enter</c>, <c>line_cross</c>, …) as they come through the
/// ingest pipeline, whether the gateway's frame path or a camera's edge agent sent them, and flags the segments
/// around them. The ingest thread only queues (bounded: 10 000; when full the event is not bookmarked and
/// <c>sc_video_events_dropped_total</c> counts it — the event itself still reaches every other handler); one
/// writer stores them in batches.
/// </summary>
public sealed class CameraEventIndex(Database database, SegmentIndex segments, VideoMetrics metrics, TimeProvider time, ILogger<CameraEventIndex> logger) : BackgroundService, IDeviceMessageHandler, IDurableEffects
{
    // Camera events and flush markers (a TaskCompletionSource completed once everything before it is stored).
    private bool _failedSinceFlush;
    private CancellationToken _stopping;
    private readonly StoreRetry _retry = new(logger, "camera events", metrics.EventStoreRetries.Inc, time);
    private readonly Channel<object> _queue = Channel.CreateBounded<object>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    void IDeviceMessageHandler.OnEvent(DeviceRuntime device, EventMessage message, long receivedTimestamp)
    {
        if (device.Device.Kind != DeviceKind.Camera || !EventTypes.IsKnownFor(DeviceKind.Camera, message.Type))
        {
            return;
        }

        var entry = new CameraEvent(0, device.Id, DateTimeOffset.FromUnixTimeMilliseconds(message.Ts), message.Type, message.Zone, message.Line, message.Direction, message.Track, message.Label, message.Snapshot);
        if (!_queue.Writer.TryWrite(entry))
        {
            // Should be rare: hold the ingest worker until there is room, so the wait reaches the camera as MQTT flow
            // control; an event acknowledged to the camera is never dropped here.
            metrics.QueueFullWaits.Inc();
            _queue.Writer.WriteAsync(entry).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Completes when every event queued before the call is stored.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(done, cancellationToken).ConfigureAwait(false);
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public List<CameraEvent> List(IReadOnlyCollection<string> cameraIds, long fromMs, long toMs, string? type, int limit)
    {
        var parameters = new DynamicParameters(new { fromMs, toMs, type, limit });
        var names = cameraIds.Select((id, i) => { parameters.Add("c" + i, id); return "@c" + i; }).ToList();
        using var connection = database.Open();
        return connection.Query<EventRow>($"""
            SELECT id, camera_id, ts_ms, type, zone, line, direction, track, label, snapshot FROM video_events
            WHERE camera_id IN ({(names.Count == 0 ? "NULL" : string.Join(",", names))}) AND ts_ms >= @fromMs AND ts_ms < @toMs AND (@type IS NULL OR type = @type)
            ORDER BY ts_ms DESC LIMIT @limit
            """, parameters)
            .Select(r => new CameraEvent(r.Id, r.CameraId, DateTimeOffset.FromUnixTimeMilliseconds(r.TsMs), r.Type, r.Zone, r.Line, r.Direction, r.Track, r.Label, r.Snapshot))
            .ToList();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        var batch = new List<object>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < 500 && _queue.Reader.TryRead(out var entry))
                {
                    batch.Add(entry);
                }

                await StoreAsync(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: store what is already queued.
            while (_queue.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            await StoreAsync(batch);
        }
    }

    private async Task StoreAsync(List<object> items)
    {
        _failedSinceFlush |= !await StoreAsync(items.OfType<CameraEvent>().ToList());
        foreach (var done in items.OfType<TaskCompletionSource>())
        {
            // A flush after a failed store fails too, so the ingest checkpoint keeps those events for replay.
            if (_failedSinceFlush)
            {
                done.TrySetException(new IOException("Camera events could not be stored."));
            }
            else
            {
                done.TrySetResult();
            }

            _failedSinceFlush = false;
        }
    }

    private async Task<bool> StoreAsync(List<CameraEvent> batch)
    {
        if (batch.Count == 0)
        {
            return true;
        }

        try
        {
            // An unreachable database holds this loop (and so, through the full queue, the cameras) until it is back.
            await _retry.RunAsync(() =>
            {
                using (var connection = database.Open())
                using (var transaction = connection.BeginTransaction())
                {
                    using var insert = new BatchStatement(connection, transaction, """
                        INSERT INTO video_events (camera_id, ts_ms, type, zone, line, direction, track, label, snapshot)
                        VALUES (@c, @ts, @type, @z, @l, @d, @tr, @lb, @s)
                        ON CONFLICT DO NOTHING
                        """, "c", "ts", "type", "z", "l", "d", "tr", "lb", "s");
                    foreach (var e in batch)
                    {
                        insert.Execute(e.CameraId, e.At.ToUnixTimeMilliseconds(), e.Type, e.Zone, e.Line, e.Direction, e.Track, e.Label, e.Snapshot);
                    }

                    transaction.Commit();
                }
            }, _stopping);

            foreach (var e in batch)
            {
                var ts = e.At.ToUnixTimeMilliseconds();
                segments.Flag(e.CameraId, ts, ts, "events");
                if (e.Type.StartsWith("motion", StringComparison.Ordinal))
                {
                    segments.Flag(e.CameraId, MotionStartBefore(e.CameraId, ts) ?? ts, ts, "motion");
                }
            }

            metrics.EventsIndexed.Add(batch.Count);
            return true;
        }
        catch (DbException ex)
        {
            metrics.EventsDropped.Add(batch.Count);
            logger.LogError(ex, "{Count} camera events could not be bookmarked", batch.Count);
            return false;
        }
    }

    /// <summary>For a <c>motion_end</c>: the <c>motion_start</c> it closes (within an hour), so the whole motion is flagged.</summary>
    private long? MotionStartBefore(string cameraId, long ts)
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long?>(
            "SELECT MAX(ts_ms) FROM video_events WHERE camera_id = @cameraId AND type = 'motion_start' AND ts_ms <= @ts AND ts_ms > @ts - 3600000", new { cameraId, ts });
    }

    private sealed class EventRow
    {
        public long Id { get; init; }
        public string CameraId { get; init; } = "";
        public long TsMs { get; init; }
        public string Type { get; init; } = "";
        public string? Zone { get; init; }
        public string? Line { get; init; }
        public string? Direction { get; init; }
        public long? Track { get; init; }
        public string? Label { get; init; }
        public string? Snapshot { get; init; }
    }
}
