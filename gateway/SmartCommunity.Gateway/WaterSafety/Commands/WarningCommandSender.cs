using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Broker;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Serialization;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Protocol.Validation;

namespace SmartCommunity.Gateway.WaterSafety.Commands;

/// <summary>
/// Sends commands to loudspeakers, sirens and signs and tracks each device's acknowledgement. Producers
/// (including the danger-zone hot path) only <see cref="TrySend"/> to a bounded channel; one loop serializes
/// and publishes. A command not acknowledged within <see cref="WaterSafetyOptions.CommandAckTimeout"/> raises
/// a device alert of its own.
/// </summary>
public sealed class WarningCommandSender : BackgroundService
{
    private readonly Channel<Outgoing> _queue = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(1024)
    {
        SingleReader = true,
        // Warnings are never shed silently: a full queue refuses the new one and counts it.
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    private readonly ConcurrentDictionary<string, CommandRecord> _records = new(StringComparer.Ordinal);
    private readonly IDeviceBus _bus;
    private readonly IAlertService _alerts;
    private readonly DeviceRegistry _devices;
    private readonly TimeProvider _time;
    private readonly WaterSafetyOptions _options;
    private readonly ILogger<WarningCommandSender> _logger;
    private readonly Histogram _dangerZoneLatency;
    private readonly Counter _dropped;
    private readonly Counter _failed;
    private long _next;

    public WarningCommandSender(IDeviceBus bus, IAlertService alerts, DeviceRegistry devices, TimeProvider time, IOptions<WaterSafetyOptions> options, MetricsRegistry metrics,
        ILogger<WarningCommandSender> logger)
    {
        _devices = devices;
        _bus = bus;
        _alerts = alerts;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _dangerZoneLatency = metrics.Histogram("sc_water_danger_zone_command_seconds",
            "Camera zone_enter received by the broker to the play_voice command handed to the bus.", Histogram.LatencyBuckets);
        _dropped = metrics.Counter("sc_water_commands_dropped_total", "Warning commands refused because the send queue was full.");
        _failed = metrics.Counter("sc_water_commands_failed_total", "Warning commands the bus could not publish.");
    }

    /// <summary>Histogram of the danger-zone hot path, for tests and benchmarks.</summary>
    public Histogram DangerZoneLatency => _dangerZoneLatency;

    /// <summary>Queues a command; never blocks. <paramref name="receivedTimestamp"/> (0 = none) times the danger-zone path.</summary>
    public CommandRecord? TrySend(string deviceId, CommandMessage template, string reason, long receivedTimestamp = 0)
    {
        var now = _time.GetUtcNow();
        var command = template with
        {
            Id = "ws-" + Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            Ts = now.ToUnixTimeMilliseconds(),
            ExpiresTs = template.ExpiresTs ?? (now + TimeSpan.FromMinutes(5)).ToUnixTimeMilliseconds(),
            Reason = reason,
        };
        var record = new CommandRecord(command.Id, deviceId, command.Type, reason, now);
        if (!_queue.Writer.TryWrite(new Outgoing(deviceId, command, record, receivedTimestamp)))
        {
            _dropped.Inc();
            return null;
        }

        _records[command.Id] = record;
        return record;
    }

    /// <summary>Called with a device's <c>ack</c>; unknown IDs are other features' commands.</summary>
    public void OnAck(string deviceId, CommandAckMessage ack)
    {
        if (_records.TryGetValue(ack.Id, out var record) && record.DeviceId == deviceId)
        {
            record.Acknowledge(ack.Status, ack.Detail, _time.GetUtcNow());
            if (record.AlertRaised)
            {
                _alerts.Resolve(new AlertSource("device", deviceId), "command_unconfirmed", $"command {ack.Id} acknowledged late: {ack.Status}");
            }
        }
    }

    /// <summary>Every command sent for a reason (an alert or a notice), oldest first.</summary>
    public IReadOnlyList<CommandRecord> ForReason(string reasonPrefix) =>
        [.. _records.Values.Where(r => r.Reason.StartsWith(reasonPrefix, StringComparison.Ordinal)).OrderBy(r => r.SentAt)];

    /// <summary>Raises an alert for each command still unconfirmed after the timeout (called by the loop's tick).</summary>
    public void CheckTimeouts(DateTimeOffset now)
    {
        foreach (var record in _records.Values)
        {
            if (record.Status is null && !record.AlertRaised && now - record.SentAt >= _options.CommandAckTimeout)
            {
                record.AlertRaised = true;
                var name = _devices.Get(record.DeviceId)?.Device.Name ?? record.DeviceId;
                _alerts.Raise(new AlertTrigger(new AlertSource("device", record.DeviceId), "command_unconfirmed", AlertLevel.Orange, null,
                    new AlertText("预警设备未确认指令", "Warning device did not confirm a command"),
                    new AlertText($"{BilingualName.Zh(name)} 在 {_options.CommandAckTimeout.TotalSeconds:F0} 秒内未确认{CommandZh(record.Type)}指令，请现场核查喊话/警示设备。",
                        $"{BilingualName.En(name)} did not confirm the {record.Type.Replace('_', ' ')} command within {_options.CommandAckTimeout.TotalSeconds:F0} s; check the device on site.")));
            }

            // Forget confirmed records after a day so memory stays bounded.
            if (now - record.SentAt > TimeSpan.FromDays(1))
            {
                _records.TryRemove(record.Id, out _);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var item in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                if (CommandRanges.Check(item.Command) is { } invalid)
                {
                    _logger.LogError("Water-safety command {Id} for {Device} is invalid: {Reason}", item.Command.Id, item.DeviceId, invalid);
                    continue;
                }

                var payload = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(item.Command, ProtocolJson.Context.CommandMessage);
                if (item.ReceivedTimestamp != 0)
                {
                    _dangerZoneLatency.Observe(_time.GetElapsedTime(item.ReceivedTimestamp));
                }

                await _bus.PublishAsync(TopicScheme.Command(item.DeviceId), payload, 1, false, stoppingToken);
            }
            catch (Exception ex) when (ex is BusUnavailableException or InvalidOperationException)
            {
                _failed.Inc();
                item.Record.Acknowledge("not_sent", ex.Message, _time.GetUtcNow());
                _logger.LogWarning(ex, "Water-safety command {Id} for {Device} was not published", item.Command.Id, item.DeviceId);
            }
        }
    }

    private readonly record struct Outgoing(string DeviceId, CommandMessage Command, CommandRecord Record, long ReceivedTimestamp);

    // The command types of docs/protocol.md, in the words a guard uses.
    private static string CommandZh(string type) => type switch
    {
        CommandTypes.PlayVoice => "语音播放",
        CommandTypes.Siren => "警笛",
        CommandTypes.ShowSign => "显示屏",
        CommandTypes.Stop => "停止",
        _ => "",
    };
}
