using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Alerts.Delivery;
using SmartCommunity.Gateway.Cluster;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Live;

namespace SmartCommunity.Gateway.Alerts.Engine;

/// <summary>
/// The alerts engine: one loop owns every open alert (so dedup needs no locks and cannot race, unlike
/// ThingsBoard's duplicate-alarm race), applies queued commands in batches, writes each batch in one SQLite
/// transaction, and only then hands notifications to the delivery channels and events to the live stream.
/// Modelled on Serilog's BatchingSink: bounded queue, producers never block, drops are counted.
/// </summary>
internal sealed partial class AlertEngine : BackgroundService, IAlertService, IDurableEffects
{
    private readonly Channel<EngineCommand> _queue;
    private readonly AlertStore _store;
    private readonly AlertRouter _router;
    private readonly AlertRules _rules;
    private readonly AlertMetrics _metrics;
    private readonly AlertDispatcher _dispatcher;
    private readonly LiveHub _live;
    private readonly GridRegistry _grid;
    private readonly TimeProvider _time;
    private readonly AlertsOptions _options;
    private readonly ILogger<AlertEngine> _logger;
    private readonly ITimer _timer;
    private readonly ITimer _checkpoint;
    private readonly ClusterLeases? _leases;
    private readonly ITimer? _poll;
    private readonly CancellationTokenSource _stopping = new();

    // Owned by the loop only.
    private readonly Dictionary<(string Kind, string Id, string Type), Alert> _openByKey = [];
    private readonly Dictionary<string, Alert> _openById = new(StringComparer.Ordinal);
    private readonly List<AlertSilence> _silences = [];
    private readonly PriorityQueue<TimerEntry, long> _timers = new();
    private readonly int[] _openByLevel = new int[5];

    // The current batch.
    private readonly Dictionary<string, Alert> _dirty = new(StringComparer.Ordinal);
    private readonly List<AlertHistoryEntry> _history = [];
    private readonly List<AlertSilence> _dirtySilences = [];
    private readonly List<AlertNotification> _outbox = [];
    private readonly List<(PersonCommand Command, AlertCommandResult Result)> _replies = [];
    private readonly Dictionary<string, (string Change, Alert Alert)> _changes = new(StringComparer.Ordinal);
    private const long MaxTimerDelayMs = 86_400_000;

    private long _armedFor = long.MaxValue;
    private volatile bool _stopped;

    public AlertEngine(AlertStore store, GridRegistry grid, AlertMetrics metrics, AlertDispatcher dispatcher, LiveHub live, TimeProvider time,
        IOptions<AlertsOptions> options, ILogger<AlertEngine> logger, ClusterLeases? leases = null)
    {
        _options = options.Value;
        _queue = Channel.CreateBounded<EngineCommand>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full queue refuses (and we count) rather than blocks.
            SingleReader = true,
        });
        _store = store;
        _grid = grid;
        _router = new AlertRouter(grid, _options.EffectiveTopTierRoles);
        _rules = new AlertRules(_options.EffectiveInhibit, _options.EffectiveGroups);
        _metrics = metrics;
        _dispatcher = dispatcher;
        _live = live;
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(_ => _queue.Writer.TryWrite(TickCommand.Instance), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        // Disk upkeep, not alert logic: on the real clock, so a test's fake hour does not run 3 600 checkpoints.
        _checkpoint = TimeProvider.System.CreateTimer(_ => Checkpoint(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        dispatcher.Report = report => Enqueue(new DeliveryCommand(report));
        if (leases is { Enabled: true })
        {
            // Several gateways: the database holds every gateway's escalation times; the lease holder looks for due
            // ones each second (ProcessDueTimers), and at once when it takes the lease over.
            _leases = leases;
            leases.Acquired += _ => _queue.Writer.TryWrite(TickCommand.Instance);
            // Another gateway's change to an alert (LISTEN/NOTIFY): this engine's copy follows, so a repeat here
            // updates the open alert and a clear here finds it.
            live.Relayed += e =>
            {
                if (e.Topic == "alert")
                {
                    Enqueue(new RefreshCommand(e.Json));
                }
            };
            _poll = time.CreateTimer(_ => _queue.Writer.TryWrite(TickCommand.Instance), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }

        foreach (var level in Enum.GetValues<AlertLevel>())
        {
            metrics.OpenGauge(level, () => Volatile.Read(ref _openByLevel[(int)level]));
        }

        metrics.QueueGauge(() => _queue.Reader.Count);
    }

    public bool Raise(AlertTrigger trigger) => EnqueueOrWait(new RaiseCommand(trigger, _time.GetUtcNow()));

    public bool Resolve(AlertSource source, string type, string reason) => EnqueueOrWait(new ClearCommand(source, type, reason, Cancel: false, _time.GetUtcNow()));

    public bool Cancel(AlertSource source, string type, string reason) => EnqueueOrWait(new ClearCommand(source, type, reason, Cancel: true, _time.GetUtcNow()));

    /// <summary>
    /// Triggers and clears are never dropped for a full queue: the caller (an ingest worker, a feature's loop) waits
    /// for room, which holds back the devices behind it through MQTT flow control. Only a stopped engine refuses.
    /// </summary>
    private bool EnqueueOrWait(EngineCommand command)
    {
        if (Enqueue(command, countDrop: false))
        {
            return true;
        }

        // Should be rare: the engine is behind.
        try
        {
            _queue.Writer.WriteAsync(command, _stopping.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (OperationCanceledException)
        {
            _metrics.Dropped("stopped").Inc();
            return false;
        }
    }

    Task IDurableEffects.FlushAsync(CancellationToken cancellationToken) => FlushAsync().WaitAsync(cancellationToken);

    int IDurableEffects.FlushStage => 1;

    /// <summary>Queues a person's command and waits until it is applied and stored.</summary>
    internal Task<AlertCommandResult> SendAsync(PersonCommand command) =>
        Enqueue(command) ? command.Reply.Task : Task.FromResult(new AlertCommandResult(AlertCommandStatus.Rejected, Error: "The alerts engine is busy or stopping; try again."));

    /// <summary>Commands waiting for the loop.</summary>
    internal int Pending => _queue.Reader.Count;

    /// <summary>Waits until everything queued before this call is applied and stored (tests, benchmarks).</summary>
    internal Task FlushAsync() => SendAsync(new EndSilenceCommand("", ""));

    private bool Enqueue(EngineCommand command, bool countDrop = true)
    {
        if (!_stopped && _queue.Writer.TryWrite(command))
        {
            return true;
        }

        if (countDrop || _stopped)
        {
            _metrics.Dropped(_stopped ? "stopped" : "queue_full").Inc();
        }

        return false;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var alert in _store.LoadOpen())
        {
            Track(null, alert);
            _openById[alert.Id] = alert;
            _openByKey[(alert.Source.Kind, alert.Source.Id, alert.Type)] = alert;
            ScheduleFor(null, alert);
        }

        foreach (var silence in _store.LoadSilences(now))
        {
            _silences.Add(silence);
            _timers.Enqueue(new TimerEntry(TimerKind.SilenceEnd, silence.Id), silence.EndsAt.ToUnixTimeMilliseconds());
        }

        _logger.LogInformation("Alerts engine resumed {Open} open alerts and {Silences} silences", _openById.Count, _silences.Count);
        // Timers that fell due while the gateway was down run with the first batch.
        _queue.Writer.TryWrite(TickCommand.Instance);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                RunBatch(reader);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: drain what was accepted, so nothing queued before the stop is lost.
        }

        _stopped = true;
        await _stopping.CancelAsync();
        while (reader.Count > 0)
        {
            RunBatch(reader);
        }
    }

    private void RunBatch(ChannelReader<EngineCommand> reader)
    {
        var started = _time.GetTimestamp();
        var applied = 0;
        while (applied < _options.MaxBatch && reader.TryRead(out var command))
        {
            applied++;
            _current = command;
            try
            {
                Apply(command);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Alerts engine could not apply {Command}", command.GetType().Name);
                if (command is PersonCommand person)
                {
                    _replies.Add((person, new AlertCommandResult(AlertCommandStatus.Rejected, Error: "Internal error.")));
                }
            }
        }

        _current = null;
        try
        {
            ProcessDueTimers(_time.GetUtcNow());
            Flush();
            Arm();
        }
        catch (Exception ex)
        {
            // The loop must outlive any bug here: a dead loop would silence every alert. Waiting callers are answered.
            _logger.LogError(ex, "Alerts engine batch failed after applying {Applied} commands", applied);
            foreach (var (command, _) in _replies)
            {
                command.Reply.TrySetResult(new AlertCommandResult(AlertCommandStatus.Rejected, Error: "Internal error."));
            }

            _replies.Clear();
            _armedFor = long.MaxValue;
        }

        _metrics.BatchSeconds.Observe(_time.GetElapsedTime(started));
    }

    private void Flush()
    {
        if (_dirty.Count > 0 || _history.Count > 0 || _dirtySilences.Count > 0)
        {
            try
            {
                if (_leases is null)
                {
                    foreach (var stale in _store.Write(_dirty.Values, _history, _dirtySilences))
                    {
                        Forget(stale);
                    }
                }
                else
                {
                    WriteMerged();
                }

                _dirty.Clear();
                ClearClusterBatch();
                _history.Clear();
                _dirtySilences.Clear();
            }
            catch (Exception ex)
            {
                // Kept for the next batch; people are still notified below: reaching a guard matters more than the row.
                _metrics.StoreErrors.Inc();
                _logger.LogError(ex, "Could not store {Alerts} alert changes; retrying with the next batch", _dirty.Count);
            }
        }

        foreach (var (command, result) in _replies)
        {
            command.Reply.TrySetResult(result);
        }

        _replies.Clear();
        foreach (var notification in _outbox)
        {
            var latest = _openById.GetValueOrDefault(notification.Alert.Id) ?? notification.Alert;
            _dispatcher.Dispatch(notification with { Alert = latest });
        }

        _outbox.Clear();
        PublishLive();
    }

    private void PublishLive()
    {
        if (_changes.Count == 0)
        {
            return;
        }

        if (_live.HasSubscribers)
        {
            foreach (var (change, alert) in _changes.Values)
            {
                _live.Publish(new LiveEvent("alert", alert.CellId, System.Text.Json.JsonSerializer.Serialize(new AlertLiveEvent(change, alert), AlertsJsonContext.Default.AlertLiveEvent)));
            }
        }

        _changes.Clear();
    }

    private void Arm()
    {
        if (!_timers.TryPeek(out _, out var due))
        {
            return;
        }

        if (due != _armedFor)
        {
            _armedFor = due;
            // Timer.Change refuses more than 2^32-2 ms (49.7 days), so a far timer wakes the loop once a day and is
            // re-armed then (a tick resets _armedFor); nothing is due early because ProcessDueTimers checks the time.
            var delay = Math.Clamp(due - _time.GetUtcNow().ToUnixTimeMilliseconds(), 0, MaxTimerDelayMs);
            _timer.Change(TimeSpan.FromMilliseconds(delay), Timeout.InfiniteTimeSpan);
        }
    }

    private void Checkpoint()
    {
        try
        {
            _store.Checkpoint();
        }
        catch (Exception ex)
        {
            // Should be rare (disk full, locked): the WAL only grows until the next successful checkpoint.
            _logger.LogWarning(ex, "WAL checkpoint for alerts failed");
        }
    }

    public override void Dispose()
    {
        _checkpoint.Dispose();
        _poll?.Dispose();
        _stopping.Dispose();
        _timer.Dispose();
        _store.Dispose();
        base.Dispose();
    }
}
