using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Infrastructure.Logging;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Live;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Gateway.Shelters.Occupancy;

/// <summary>
/// Shelter occupancy. Ingest threads hand passages (door units) and line crossings (cameras) of counting sources
/// to a bounded queue; one loop stores each event under its protocol identity (device, boot, seq) and the
/// shelter's state in the same SQLite transaction, so a replayed or repeated event counts once and a restart
/// resumes where the last commit left off. After the commit it raises and clears threshold alerts, writes the
/// <c>shelter_occupancy</c> series and pushes the change on the live stream.
/// </summary>
public sealed partial class ShelterCounter : BackgroundService, IDeviceMessageHandler, IDurableEffects
{
    private const int MaxBatch = 2_000;
    private static readonly TimeSpan SeriesKeepAlive = TimeSpan.FromMinutes(1);

    private readonly ShelterRegistry _shelters;
    private readonly DeviceRegistry _devices;
    private readonly Database _database;
    private readonly IAlertService _alerts;
    private readonly IPointWriter _points;
    private readonly LiveHub _live;
    private readonly ShelterMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly StoreRetry _retry;
    private readonly SheltersOptions _options;
    private readonly RateLimitedLog _log;
    private readonly ILogger<ShelterCounter> _logger;
    private CancellationToken _stopping;
    private readonly Channel<CountingWork> _queue;
    private readonly ConcurrentDictionary<string, ShelterOccupancy> _snapshots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _lastDeviceTs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ShelterState> _states = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _startedAt;
    private DateTimeOffset _nextSeries;
    private DateTimeOffset _nextRetention;
    private bool _loaded;

    public ShelterCounter(ShelterRegistry shelters, DeviceRegistry devices, Database database, IAlertService alerts, IPointWriter points, LiveHub live,
        ShelterMetrics metrics, TimeProvider time, IOptions<SheltersOptions> options, ILogger<ShelterCounter> logger)
    {
        _shelters = shelters;
        _devices = devices;
        _database = database;
        _alerts = alerts;
        _points = points;
        _live = live;
        _metrics = metrics;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _log = new RateLimitedLog(logger, time, TimeSpan.FromSeconds(30));
        _retry = new StoreRetry(logger, "shelter counts", metrics.StoreRetries.Inc, time);
        _queue = Channel.CreateBounded<CountingWork>(new BoundedChannelOptions(_options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _startedAt = time.GetUtcNow();
        _shelters.Changed += id => _queue.Writer.TryWrite(new ShelterChanged(id));
    }

    /// <summary>The occupancy of a shelter as last committed, or null before its first change since start.</summary>
    public ShelterOccupancy? Occupancy(string shelterId) => _snapshots.GetValueOrDefault(shelterId);

    public IReadOnlyCollection<ShelterOccupancy> All => [.. _snapshots.Values];

    void IDeviceMessageHandler.OnTelemetry(DeviceRuntime device, TelemetryMessage message, long receivedTimestamp) => Heard(device.Id, message.Ts);

    void IDeviceMessageHandler.OnEvent(DeviceRuntime device, EventMessage message, long receivedTimestamp)
    {
        var index = _shelters.Index;
        if (!index.Devices.Contains(device.Id))
        {
            return;
        }

        Heard(device.Id, message.Ts);

        var binding = (device.Device.Kind, message.Type) switch
        {
            (DeviceKind.DoorAccess, EventTypes.Passage) => index.ForDoor(device.Id, message.Door),
            (DeviceKind.Camera, EventTypes.LineCross) when message.Line is not null => index.ForLine(device.Id, message.Line),
            _ => null,
        };
        if (binding is null || message.Direction is not (EventTypes.DirectionIn or EventTypes.DirectionOut))
        {
            return;
        }

        long people = message.Count ?? 1;
        var inward = (message.Direction == EventTypes.DirectionIn) != binding.Source.Reversed;
        var work = new CountEvent(device.Id, message.Boot, message.Seq, message.Ts, binding.Shelter.Id, binding.Entrance.Id, binding.Source.Key,
            inward ? people : 0, inward ? 0 : people);
        if (!_queue.Writer.TryWrite(work))
        {
            // Should be rare: hold this ingest worker until there is room (events are never shed, so the wait
            // reaches the publisher as MQTT flow control).
            _metrics.QueueFullWaits.Inc();
            _log.Warning("queue-full", "Shelter counting queue full ({Capacity}): ingest waits for room.", _options.QueueCapacity);
            _queue.Writer.WriteAsync(work).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Device time of the newest message of a counting device: a fallback span starts right after it.</summary>
    private void Heard(string deviceId, long ts)
    {
        if (_shelters.Index.Devices.Contains(deviceId))
        {
            _lastDeviceTs.AddOrUpdate(deviceId, ts, (_, previous) => Math.Max(previous, ts));
        }
    }

    /// <summary>Sets a shelter's occupancy to a counted number (audited); null when the shelter does not exist.</summary>
    public async Task<ShelterOccupancy?> HeadcountAsync(string shelterId, long occupants, string actor, string? note, CancellationToken cancellationToken)
    {
        var command = new HeadcountCommand(shelterId, occupants, actor, note);
        await _queue.Writer.WriteAsync(command, cancellationToken).ConfigureAwait(false);
        return await command.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes when everything queued so far is stored and published.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var flush = new FlushCommand();
        await _queue.Writer.WriteAsync(flush, cancellationToken).ConfigureAwait(false);
        await flush.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks sources for silence now (the loop does it every tick; tests call it after moving time).</summary>
    public Task CheckSourcesAsync(CancellationToken cancellationToken = default) => FlushAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        _stopping = stoppingToken;
        LoadStates();
        using var timer = new PeriodicTimer(_options.Tick, _time);
        var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        var batch = new List<CountingWork>(MaxBatch);
        while (!stoppingToken.IsCancellationRequested)
        {
            var read = _queue.Reader.WaitToReadAsync(stoppingToken).AsTask();
            var done = await Task.WhenAny(read, tick).ConfigureAwait(false);
            if (done == tick)
            {
                if (!await tick.ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default).ConfigureAwait(false))
                {
                    break;
                }

                RunSafely(() => Tick(_time.GetUtcNow()));
                tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
            }

            while (_queue.Reader.TryRead(out var work))
            {
                batch.Add(work);
                if (batch.Count >= MaxBatch)
                {
                    await RunSafelyAsync(() => ProcessAsync(batch)).ConfigureAwait(false);
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                await RunSafelyAsync(() => ProcessAsync(batch)).ConfigureAwait(false);
                batch.Clear();
            }
        }

        // A clean stop stores what is still queued.
        while (_queue.Reader.TryRead(out var work))
        {
            batch.Add(work);
        }

        if (batch.Count > 0)
        {
            await RunSafelyAsync(() => ProcessAsync(batch)).ConfigureAwait(false);
        }
    }

    private void RunSafely(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            Failed(ex);
        }
    }

    private async Task RunSafelyAsync(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Failed(ex);
        }
    }

    private void Failed(Exception ex)
    {
        _metrics.StoreErrors.Inc();
        _logger.LogError(ex, "Shelter counting failed; the state is reloaded from the database.");
        ReloadStates();
    }

    /// <summary>A shelter was added, changed or deleted: its snapshot is rebuilt by the loop.</summary>
    private sealed record ShelterChanged(string ShelterId) : CountingWork;
}
