using System.Buffers;
using Microsoft.Extensions.Logging;
using SmartCommunity.EdgeAgent.Devices;
using SmartCommunity.EdgeAgent.Diagnostics;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.EdgeAgent.Commands;

/// <summary>
/// Turns payloads from a device's command topic into driver calls and acknowledgements, all acks going through the
/// store-and-forward queue: malformed commands are counted and logged (throttled), answered <c>failed</c> when they
/// name an ID; expired ones are answered <c>expired</c>; the rest are answered <c>accepted</c>, run on the driver,
/// and answered <c>done</c> or <c>failed</c>.
/// </summary>
public sealed class CommandDispatcher : IAsyncDisposable
{
    private readonly string _deviceId;
    private readonly ICommandHandler? _handler;
    private readonly DevicePublisher _publisher;
    private readonly DeviceCounters _counters;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _maxConcurrent;
    private readonly LogThrottle _malformedLog;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly HashSet<Task> _running = [];

    public CommandDispatcher(string deviceId, ICommandHandler? handler, DevicePublisher publisher, DeviceCounters counters, int maxConcurrent, TimeProvider time, ILogger logger)
    {
        _deviceId = deviceId;
        _handler = handler;
        _publisher = publisher;
        _counters = counters;
        _maxConcurrent = maxConcurrent;
        _time = time;
        _logger = logger;
        _malformedLog = new LogThrottle(time, TimeSpan.FromMinutes(1));
    }

    /// <summary>Handles one payload from the command topic. Returns quickly: the command runs in the background.</summary>
    public void Receive(ReadOnlySequence<byte> payload)
    {
        _counters.OnCommandReceived();
        var decoded = CommandDecoder.Decode(payload);
        if (decoded.Command is not { } command)
        {
            _counters.OnCommandMalformed();
            if (_malformedLog.ShouldLog(out var suppressed))
            {
                _logger.LogWarning("Device {DeviceId}: refused a malformed command: {Error} ({Suppressed} more refused since the last report).", _deviceId, decoded.Error, suppressed);
            }

            if (decoded.Id is { } id)
            {
                Ack(id, CommandAckMessage.Failed, "malformed command: " + decoded.Error);
            }

            return;
        }

        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (command.ExpiresTs is { } expires && expires < nowMs)
        {
            _counters.OnCommandExpired();
            _logger.LogInformation("Device {DeviceId}: command {CommandId} ({Type}) expired {Age} ago; not executed.", _deviceId, command.Id, command.Type, TimeSpan.FromMilliseconds(nowMs - expires));
            Ack(command.Id, CommandAckMessage.Expired, "expired before it reached the device");
            return;
        }

        if (_handler is null)
        {
            Ack(command.Id, CommandAckMessage.Failed, "this device's driver takes no commands");
            return;
        }

        lock (_lock)
        {
            if (_running.Count >= _maxConcurrent)
            {
                Ack(command.Id, CommandAckMessage.Failed, $"busy: {_maxConcurrent} commands already running");
                return;
            }

            Ack(command.Id, CommandAckMessage.Accepted, null);
            var task = ExecuteAsync(command);
            _running.Add(task);
            _ = task.ContinueWith(t => { lock (_lock) _running.Remove(t); }, TaskScheduler.Default);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync();
        Task[] running;
        lock (_lock)
        {
            running = [.. _running];
        }

        await Task.WhenAll(running);
        _stopping.Dispose();
    }

    private async Task ExecuteAsync(CommandMessage command)
    {
        await Task.Yield(); // Leave the MQTT receive loop at once.
        CommandOutcome outcome;
        try
        {
            outcome = await _handler!.ExecuteAsync(command, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            outcome = CommandOutcome.Failed("agent stopping");
        }
        catch (Exception ex)
        {
            // A driver bug must not take the agent down; the gateway learns of it from the ack.
            _logger.LogError(ex, "Device {DeviceId}: command {CommandId} ({Type}) failed in the driver.", _deviceId, command.Id, command.Type);
            outcome = CommandOutcome.Failed(ex.Message);
        }

        Ack(command.Id, outcome.Succeeded ? CommandAckMessage.Done : CommandAckMessage.Failed, outcome.Detail);
    }

    private void Ack(string id, string status, string? detail)
    {
        var detailText = detail is { Length: > 1024 } ? detail[..1024] : detail;
        if (!_publisher.Publish(new CommandAckMessage { Id = id, Status = status, Detail = detailText }))
        {
            _logger.LogError("Device {DeviceId}: could not store the '{Status}' ack for command {CommandId}: the queue is full of undelivered events.", _deviceId, status, id);
        }
    }
}
