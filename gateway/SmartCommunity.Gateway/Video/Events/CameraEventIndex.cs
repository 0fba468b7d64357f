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
/// around them. The ingest thread only queues (bounded: 10 000; when full the ingest worker waits, counted in
/// <c>sc_video_events_queue_full_total</c>); one <see cref="BatchingWorker{T}"/> stores them in batches of up to 500.
/// </summary>
public sealed class CameraEventIndex : BackgroundService, IDeviceMessageHandler, IDurableEffects, IBatchTarget<CameraEvent>
{
    private const int Capacity = 10_000;
    private const int MaxBatch = 500;

    private readonly Database _database;
    private readonly SegmentIndex _segments;
    private readonly VideoMetrics _metrics;
    private readonly ILogger<CameraEventIndex> _logger;
    private readonly StoreRetry _retry;
    private readonly BatchingWorker<CameraEvent> _worker;

    public CameraEventIndex(Database database, SegmentIndex segments, VideoMetrics metrics, TimeProvider time, ILogger<CameraEventIndex> logger)
    {
        _database = database;
        _segments = segments;
        _metrics = metrics;
        _logger = logger;
        _retry = new StoreRetry(logger, "camera events", metrics.EventStoreRetries.Inc, time);
        // When full, the ingest worker waits for room, so the wait reaches the camera as MQTT flow control; an event
        // acknowledged to the camera is never dropped here.
        _worker = new BatchingWorker<CameraEvent>(this, "Camera events", Capacity, MaxBatch, metrics.QueueFullWaits.Inc);
    }

    void IDeviceMessageHandler.OnEvent(DeviceRuntime device, EventMessage message, long receivedTimestamp)
    {
        if (device.Device.Kind != DeviceKind.Camera || !EventTypes.IsKnownFor(DeviceKind.Camera, message.Type))
        {
            return;
        }

        _worker.Add(new CameraEvent(0, device.Id, DateTimeOffset.FromUnixTimeMilliseconds(message.Ts), message.Type, message.Zone, message.Line, message.Direction,
            message.Track, message.Label, message.Snapshot));
    }

    /// <summary>Completes when every event queued before the call is stored; throws when a store failed since the last flush.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => _worker.FlushAsync(cancellationToken);

    public List<CameraEvent> List(IReadOnlyCollection<string> cameraIds, long fromMs, long toMs, string? type, int limit)
    {
        var parameters = new DynamicParameters(new { fromMs, toMs, type, limit });
        var names = cameraIds.Select((id, i) => { parameters.Add("c" + i, id); return "@c" + i; }).ToList();
        using var connection = _database.Open();
        return connection.Query<EventRow>($"""
            SELECT id, camera_id, ts_ms, type, zone, line, direction, track, label, snapshot FROM video_events
            WHERE camera_id IN ({(names.Count == 0 ? "NULL" : string.Join(",", names))}) AND ts_ms >= @fromMs AND ts_ms < @toMs AND (@type IS NULL OR type = @type)
            ORDER BY ts_ms DESC LIMIT @limit
            """, parameters)
            .Select(r => new CameraEvent(r.Id, r.CameraId, DateTimeOffset.FromUnixTimeMilliseconds(r.TsMs), r.Type, r.Zone, r.Line, r.Direction, r.Track, r.Label, r.Snapshot))
            .ToList();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _worker.RunAsync(stoppingToken);

    async Task IBatchTarget<CameraEvent>.WriteAsync(IReadOnlyList<CameraEvent> batch, CancellationToken stopping)
    {
        // An unreachable database holds this loop (and so, through the full queue, the cameras) until it is back.
        await _retry.RunAsync(() =>
        {
            using var connection = _database.Open();
            using var transaction = connection.BeginTransaction();
            using (var insert = new BatchStatement(connection, transaction, """
                INSERT INTO video_events (camera_id, ts_ms, type, zone, line, direction, track, label, snapshot)
                VALUES (@c, @ts, @type, @z, @l, @d, @tr, @lb, @s)
                ON CONFLICT DO NOTHING
                """, "c", "ts", "type", "z", "l", "d", "tr", "lb", "s"))
            {
                foreach (var e in batch)
                {
                    insert.Execute(e.CameraId, e.At.ToUnixTimeMilliseconds(), e.Type, e.Zone, e.Line, e.Direction, e.Track, e.Label, e.Snapshot);
                }
            }

            transaction.Commit();
        }, stopping).ConfigureAwait(false);

        foreach (var e in batch)
        {
            var ts = e.At.ToUnixTimeMilliseconds();
            _segments.Flag(e.CameraId, ts, ts, "events");
            if (e.Type.StartsWith("motion", StringComparison.Ordinal))
            {
                _segments.Flag(e.CameraId, MotionStartBefore(e.CameraId, ts) ?? ts, ts, "motion");
            }
        }

        _metrics.EventsIndexed.Add(batch.Count);
    }

    void IBatchTarget<CameraEvent>.Failed(IReadOnlyList<CameraEvent> batch, Exception exception)
    {
        _metrics.EventsDropped.Add(batch.Count);
        _logger.LogError(exception, "{Count} camera events could not be bookmarked", batch.Count);
    }

    /// <summary>For a <c>motion_end</c>: the <c>motion_start</c> it closes (within an hour), so the whole motion is flagged.</summary>
    private long? MotionStartBefore(string cameraId, long ts)
    {
        using var connection = _database.Open();
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
