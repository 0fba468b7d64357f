using System.Threading.Channels;
using Microsoft.Data.Sqlite;
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
public sealed class CameraEventIndex(SqliteDatabase database, SegmentIndex segments, VideoMetrics metrics, ILogger<CameraEventIndex> logger) : BackgroundService, IDeviceMessageHandler, IDurableEffects
{
    // Camera events and flush markers (a TaskCompletionSource completed once everything before it is stored).
    private bool _failedSinceFlush;
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
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        var names = cameraIds.Select((id, i) => (Id: id, Name: "$c" + i)).ToList();
        command.CommandText = $"""
            SELECT id, camera_id, ts_ms, type, zone, line, direction, track, label, snapshot FROM video_events
            WHERE camera_id IN ({string.Join(",", names.Select(n => n.Name))}) AND ts_ms >= $f AND ts_ms < $t AND ($type IS NULL OR type = $type)
            ORDER BY ts_ms DESC LIMIT $l
            """;
        foreach (var (id, name) in names)
        {
            command.Parameters.AddWithValue(name, id);
        }

        command.Parameters.AddWithValue("$f", fromMs);
        command.Parameters.AddWithValue("$t", toMs);
        command.Parameters.AddWithValue("$type", (object?)type ?? DBNull.Value);
        command.Parameters.AddWithValue("$l", limit);
        using var reader = command.ExecuteReader();
        var list = new List<CameraEvent>();
        while (reader.Read())
        {
            list.Add(new CameraEvent(reader.GetInt64(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), reader.GetString(3),
                Text(reader, 4), Text(reader, 5), Text(reader, 6), reader.IsDBNull(7) ? null : reader.GetInt64(7), Text(reader, 8), Text(reader, 9)));
        }

        return list;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<object>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < 500 && _queue.Reader.TryRead(out var entry))
                {
                    batch.Add(entry);
                }

                Store(batch);
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

            Store(batch);
        }
    }

    private void Store(List<object> items)
    {
        _failedSinceFlush |= !Store(items.OfType<CameraEvent>().ToList());
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

    private bool Store(List<CameraEvent> batch)
    {
        if (batch.Count == 0)
        {
            return true;
        }

        try
        {
            using (var connection = database.Open())
            using (var transaction = connection.BeginTransaction())
            {
                foreach (var e in batch)
                {
                    using var command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = """
                        INSERT OR IGNORE INTO video_events (camera_id, ts_ms, type, zone, line, direction, track, label, snapshot)
                        VALUES ($c, $ts, $type, $z, $l, $d, $tr, $lb, $s)
                        """;
                    command.Parameters.AddWithValue("$c", e.CameraId);
                    command.Parameters.AddWithValue("$ts", e.At.ToUnixTimeMilliseconds());
                    command.Parameters.AddWithValue("$type", e.Type);
                    command.Parameters.AddWithValue("$z", (object?)e.Zone ?? DBNull.Value);
                    command.Parameters.AddWithValue("$l", (object?)e.Line ?? DBNull.Value);
                    command.Parameters.AddWithValue("$d", (object?)e.Direction ?? DBNull.Value);
                    command.Parameters.AddWithValue("$tr", (object?)e.Track ?? DBNull.Value);
                    command.Parameters.AddWithValue("$lb", (object?)e.Label ?? DBNull.Value);
                    command.Parameters.AddWithValue("$s", (object?)e.Snapshot ?? DBNull.Value);
                    command.ExecuteNonQuery();
                }

                transaction.Commit();
            }

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
        catch (SqliteException ex)
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
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(ts_ms) FROM video_events WHERE camera_id = $c AND type = 'motion_start' AND ts_ms <= $ts AND ts_ms > $ts - 3600000";
        command.Parameters.AddWithValue("$c", cameraId);
        command.Parameters.AddWithValue("$ts", ts);
        return command.ExecuteScalar() is long start ? start : null;
    }

    private static string? Text(SqliteDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
}
