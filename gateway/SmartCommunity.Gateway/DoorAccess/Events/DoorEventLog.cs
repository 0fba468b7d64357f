using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Infrastructure.Logging;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Ingest.Journal;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.DoorAccess.Events;

/// <summary>
/// Stores every door-unit event in the door event log and alarms on those stored for the first time. Ingest
/// threads only queue (never I/O); one loop writes each batch in one transaction with
/// <c>ON CONFLICT DO NOTHING</c> on (device, boot, seq), then hands the new events to <see cref="DoorAlarms"/>.
/// </summary>
public sealed partial class DoorEventLog : BackgroundService, IDeviceMessageHandler, IDurableEffects, IBatchTarget<DoorEvent>
{
    private const int MaxBatch = 2_000;

    private readonly Database _database;
    private readonly DoorAlarms _alarms;
    private readonly TimeProvider _time;
    private readonly StoreRetry _retry;
    private readonly DoorAccessOptions _options;
    private readonly ILogger<DoorEventLog> _logger;
    private readonly BatchingWorker<DoorEvent> _worker;
    private readonly Counter _stored;
    private readonly Counter _duplicates;
    private readonly IngestJournal _journal;
    private readonly Counter _droppedStore;
    private readonly Counter _storeErrors;
    private DateTimeOffset _nextRetention;

    public DoorEventLog(Database database, DoorAlarms alarms, IngestJournal journal, TimeProvider time, IOptions<DoorAccessOptions> options, MetricsRegistry metrics, ILogger<DoorEventLog> logger)
    {
        _database = database;
        _journal = journal;
        _alarms = alarms;
        _time = time;
        _options = options.Value;
        _logger = logger;
        var log = new RateLimitedLog(logger, time, TimeSpan.FromSeconds(30));
        var queueFullWaits = metrics.Counter("sc_door_events_queue_full_total", "Door events that held an ingest worker until the queue had room.");
        _worker = new BatchingWorker<DoorEvent>(this, "Door events", _options.QueueCapacity, MaxBatch, () =>
        {
            // Should be rare: the ingest worker waits for room, so MQTT flow control reaches the units.
            queueFullWaits.Inc();
            log.Warning("queue-full", "Door event queue full ({Capacity}): ingest waits for room.", _options.QueueCapacity);
        });
        _stored = metrics.Counter("sc_door_events_total", "Door events by outcome.", ("outcome", "stored"));
        _duplicates = metrics.Counter("sc_door_events_total", "Door events by outcome.", ("outcome", "duplicate"));
        _droppedStore = metrics.Counter("sc_door_events_dropped_total", "Door events lost.", ("reason", "store_error"));
        _storeErrors = metrics.Counter("sc_door_store_errors_total", "Failed door-event transactions.");
        _retry = new StoreRetry(logger, "door events", metrics.Counter("sc_storage_retries_total", StoreRetriesHelp, ("store", "door_events")).Inc, time);
    }

    internal const string StoreRetriesHelp = "Batch writes retried because the database was unreachable, by store.";

    void IDeviceMessageHandler.OnEvent(DeviceRuntime device, EventMessage message, long receivedTimestamp)
    {
        if (device.Device.Kind != DeviceKind.DoorAccess)
        {
            return;
        }

        _worker.Add(new DoorEvent(device.Id, message.Boot, message.Seq, DateTimeOffset.FromUnixTimeMilliseconds(message.Ts), _time.GetUtcNow(), message.Type,
            message.Door, message.Direction, message.Count ?? 1, message.Card, message.Person, device.Device.CellId, message.Detail));
    }

    /// <summary>Completes when everything queued so far is stored and alarmed; throws when a store failed since the last flush.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _worker.FlushAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        await _worker.RunAsync(stoppingToken).ConfigureAwait(false);
    }

    async Task IBatchTarget<DoorEvent>.WriteAsync(IReadOnlyList<DoorEvent> batch, CancellationToken stopping)
    {
        var fresh = new List<DoorEvent>();
        // An unreachable database holds this loop (and so, through the full queue, the door units) until it is back.
        await _retry.RunAsync(() =>
        {
            fresh.Clear();
            Insert(batch, fresh);
        }, stopping).ConfigureAwait(false);

        foreach (var e in fresh)
        {
            _alarms.OnStored(e);
        }

        var now = _time.GetUtcNow();
        if (now >= _nextRetention)
        {
            _nextRetention = now + TimeSpan.FromHours(1);
            DeleteOld(now);
        }
    }

    void IBatchTarget<DoorEvent>.Failed(IReadOnlyList<DoorEvent> batch, Exception exception)
    {
        _storeErrors.Inc();
        _droppedStore.Add(batch.Count);
        _logger.LogError(exception, "Storing {Count} door events failed; they stay in the ingest journal for replay.", batch.Count);
    }

    private void Insert(IReadOnlyList<DoorEvent> batch, List<DoorEvent> fresh)
    {
        using var connection = _database.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = new BatchStatement(connection, transaction, """
            INSERT INTO door_events (device_id, boot, seq, ts, received_at, type, door, direction, count, card, person, cell_id, detail)
            VALUES (@d, @b, @s, @ts, @r, @t, @door, @dir, @n, @card, @p, @cell, @detail)
            ON CONFLICT DO NOTHING
            """, "d", "b", "s", "ts", "r", "t", "door", "dir", "n", "card", "p", "cell", "detail");
        var duplicates = 0;
        var replaying = _journal.Replaying;
        foreach (var e in batch)
        {
            if (insert.Execute(e.DeviceId, e.Boot, e.Seq, e.At.ToUnixTimeMilliseconds(), e.ReceivedAt.ToUnixTimeMilliseconds(), e.Type, e.Door, e.Direction,
                    e.Count, e.Card, e.Person, e.CellId, e.Detail) == 1)
            {
                fresh.Add(e);
            }
            else
            {
                duplicates++;
                if (replaying)
                {
                    // Stored before a crash, but its alarm may not have been: the alerts engine merges a repeat
                    // into the open alert, so alarming again is safe.
                    fresh.Add(e);
                }
            }
        }

        transaction.Commit();
        _stored.Add(fresh.Count);
        _duplicates.Add(duplicates);
    }

    private void DeleteOld(DateTimeOffset now)
    {
        try
        {
            using var connection = _database.Open();
            connection.Execute("DELETE FROM door_events WHERE ts < @cutoff", new { cutoff = (now - _options.Retention).ToUnixTimeMilliseconds() });
        }
        catch (DbException ex)
        {
            _logger.LogWarning(ex, "Deleting old door events failed; retried in an hour.");
        }
    }
}
