using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.WaterSafety.Commands;
using SmartCommunity.Gateway.WaterSafety.Levels;
using SmartCommunity.Gateway.WaterSafety.Spots;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.TimeSeries.Storage;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Gateway.WaterSafety.Risk;

/// <summary>
/// Levels, presence and drowning risk per spot. Ingest handlers only queue readings (bounded, oldest shed like
/// telemetry itself) and update presence; one loop owns the level windows, re-evaluates risk and raises or
/// resolves alerts. Danger-zone events are answered on the ingest thread by <see cref="DangerZoneResponder"/>.
/// </summary>
public sealed partial class SpotMonitor : BackgroundService, IDeviceMessageHandler
{
    private readonly Channel<Work> _work = Channel.CreateBounded<Work>(new BoundedChannelOptions(10_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropOldest,
    });

    private readonly ConcurrentDictionary<string, SpotState> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LevelWindow> _windows = new(StringComparer.Ordinal);
    private readonly HashSet<string> _silent = new(StringComparer.Ordinal);
    private readonly SpotRegistry _spots;
    private readonly IAlertService _alerts;
    private readonly WarningCommandSender _commands;
    private readonly TimeProvider _time;
    private readonly WaterSafetyOptions _options;
    private readonly DangerZoneResponder _responder;
    private readonly DateTimeOffset _started;
    private readonly IPointWriter _series;
    private readonly ITimeSeriesStore _history;
    private readonly ILogger<SpotMonitor> _logger;
    private readonly DeviceRegistry _devices;

    public SpotMonitor(SpotRegistry spots, IAlertService alerts, WarningCommandSender commands, TimeProvider time, IOptions<WaterSafetyOptions> options,
        IPointWriter series, ITimeSeriesStore history, DeviceRegistry devices, ILogger<SpotMonitor> logger)
    {
        _devices = devices;
        _series = series;
        _history = history;
        _logger = logger;
        _spots = spots;
        _alerts = alerts;
        _commands = commands;
        _time = time;
        _options = options.Value;
        _started = time.GetUtcNow();
        _responder = new DangerZoneResponder(this, alerts, commands, devices, time, _options);
        spots.Changed += id => _work.Writer.TryWrite(new Work(id, null, default, default));
    }

    /// <summary>The live state of a spot (created on first use).</summary>
    public SpotState State(string spotId) =>
        _states.GetOrAdd(spotId, id => new SpotState(id, new RiskHysteresis(_options.HysteresisMargin, _options.RiskHoldDown)));

    /// <summary>Asks the loop to re-evaluate a spot (e.g. a discharge wave changed phase).</summary>
    public void Recompute(string spotId) => _work.Writer.TryWrite(new Work(spotId, null, default, default));

    internal IReadOnlyList<(SpotCamera Camera, HazardousSpot Spot)>? SpotsForCamera(string cameraId) =>
        _spots.Index.ByCamera.TryGetValue(cameraId, out var list) ? list : null;

    public void OnTelemetry(DeviceRuntime device, TelemetryMessage message, long receivedTimestamp)
    {
        if (message.LevelM is { } level && _spots.Index.ByStation.ContainsKey(device.Id))
        {
            _work.Writer.TryWrite(new Work(null, device.Id, new LevelSample(message.Ts, level), _time.GetUtcNow()));
        }
    }

    public void OnEvent(DeviceRuntime device, EventMessage message, long receivedTimestamp) =>
        _responder.OnCameraEvent(device.Id, message, receivedTimestamp);

    public void OnCommandAck(DeviceRuntime device, CommandAckMessage message) => _commands.OnAck(device.Id, message);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ReloadWindowsAsync(stoppingToken);
        using var timer = new PeriodicTimer(_options.Tick, _time);
        var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        while (!stoppingToken.IsCancellationRequested)
        {
            var read = _work.Reader.WaitToReadAsync(stoppingToken).AsTask();
            var done = await Task.WhenAny(read, tick);
            if (done == tick)
            {
                if (!await tick)
                {
                    return;
                }

                OnTick();
                tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
                continue;
            }

            if (!await read)
            {
                return;
            }

            while (_work.Reader.TryRead(out var work))
            {
                Apply(work);
            }
        }
    }

    private void Apply(Work work)
    {
        var index = _spots.Index;
        if (work.StationId is { } station && index.ByStation.TryGetValue(station, out var spots))
        {
            var window = WindowOf(station);
            window.Add(work.Sample, work.ReceivedAt);
            var (level, rise) = window.Estimate(_options.RiseMinSamples, _options.RiseMinSpan);
            if (_silent.Remove(station))
            {
                _alerts.Resolve(new AlertSource("device", station), "level_station_silent", "readings arrive again");
            }

            foreach (var spot in spots)
            {
                var state = State(spot.Id);
                state.LevelM = level;
                state.RiseMPerHour = rise;
                Evaluate(spot, state);
            }
        }
        else if (work.SpotId is { } spotId && index.ById.TryGetValue(spotId, out var spot))
        {
            Evaluate(spot, State(spotId));
        }
    }
}
