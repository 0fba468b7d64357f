using System.Buffers;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;
using SmartCommunity.EdgeAgent.Configuration;
using SmartCommunity.EdgeAgent.Diagnostics;
using SmartCommunity.EdgeAgent.Queue;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Resilience;

namespace SmartCommunity.EdgeAgent.Mqtt;

/// <summary>
/// One device's own MQTT connection: user name and client ID are the device ID, the password its secret. It keeps
/// reconnecting (exponential backoff with jitter), announces itself with a retained <c>online</c> status (its last
/// will is a retained <c>offline</c>), listens on its command topic, and drains the device's <see cref="DiskOutbox"/>
/// in order: a message leaves the queue only after PUBACK (QoS 1) or after the publish call returned (QoS 0).
/// One message is in flight at a time, which keeps the order strict.
/// </summary>
public sealed class DeviceConnection
{
    /// <summary>
    /// A connection must last this long before the backoff starts over. A broker that accepts and then drops us at
    /// once (a second agent using the same client ID, an ACL kick) is then retried ever more slowly, not in a tight loop.
    /// </summary>
    private static readonly TimeSpan StableConnection = TimeSpan.FromSeconds(10);

    private readonly DeviceOptions _device;
    private readonly BrokerOptions _broker;
    private readonly DiskOutbox _outbox;
    private readonly DeviceCounters _counters;
    private readonly long _boot;
    private readonly Action<ReadOnlySequence<byte>> _onCommand;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LogThrottle _stillDownLog;
    private readonly LogThrottle _rejectedLog;
    private readonly LogThrottle _connectedLog;
    private readonly LogThrottle _lostLog;
    private readonly string _commandTopic;
    private volatile bool _connected;

    public DeviceConnection(DeviceOptions device, BrokerOptions broker, DiskOutbox outbox, DeviceCounters counters, long boot,
        Action<ReadOnlySequence<byte>> onCommand, TimeProvider time, ILogger logger)
    {
        _device = device;
        _broker = broker;
        _outbox = outbox;
        _counters = counters;
        _boot = boot;
        _onCommand = onCommand;
        _time = time;
        _logger = logger;
        _commandTopic = TopicScheme.Command(device.Id);
        _stillDownLog = new LogThrottle(time, TimeSpan.FromMinutes(5));
        _rejectedLog = new LogThrottle(time, TimeSpan.FromMinutes(1));
        _connectedLog = new LogThrottle(time, TimeSpan.FromMinutes(1));
        _lostLog = new LogThrottle(time, TimeSpan.FromMinutes(1));
    }

    public bool IsConnected => _connected;

    /// <summary>Connects, drains the queue and reconnects until cancelled; then says <c>offline</c> and disconnects.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == _commandTopic)
            {
                _onCommand(e.ApplicationMessage.Payload);
            }

            return Task.CompletedTask;
        };

        // The counter, not a Polly retry: whether the backoff starts over is known only when a connection ends
        // (it lasted StableConnection or not), long after the connect call succeeded.
        var backoff = new BackoffCounter(new Backoff(
            TimeSpan.FromSeconds(_broker.ReconnectInitialDelaySeconds), TimeSpan.FromSeconds(_broker.ReconnectMaxDelaySeconds)));
        var everConnected = false;
        var failedAttempts = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task OnDisconnected(MqttClientDisconnectedEventArgs e)
            {
                lost.TrySetResult();
                return Task.CompletedTask;
            }

            client.DisconnectedAsync += OnDisconnected;
            long? connectedAt = null;
            try
            {
                await ConnectAsync(client, cancellationToken);
                connectedAt = _time.GetTimestamp();
                OnConnected(failedAttempts, everConnected);
                everConnected = true;
                failedAttempts = 0;
                await PumpAsync(client, lost.Task, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Any failure of the link ends in a reconnect; the queue keeps every message meanwhile.
                if (connectedAt is { } since)
                {
                    var upFor = _time.GetElapsedTime(since);
                    if (upFor >= StableConnection)
                    {
                        backoff.Reset();
                    }

                    OnConnectionLost(ex, upFor);
                }
                else
                {
                    OnConnectFailed(ex, ++failedAttempts);
                }
            }
            finally
            {
                client.DisconnectedAsync -= OnDisconnected;
                _connected = false;
            }

            try
            {
                await Task.Delay(backoff.Next(), _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await SayGoodbyeAsync(client);
    }

    private async Task ConnectAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        if (client.IsConnected)
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptions(), cancellationToken);
        }

        var options = DeviceMqttMessages.ClientOptions(_device, _broker);
        var connected = await client.ConnectAsync(options, cancellationToken);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new MqttCommunicationException($"The broker refused the connection: {connected.ResultCode} {connected.ReasonString}".TrimEnd());
        }

        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(_commandTopic).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build();
        var subscribed = await client.SubscribeAsync(subscribe, cancellationToken);
        foreach (var item in subscribed.Items)
        {
            if (item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
            {
                _logger.LogWarning("Device {DeviceId}: broker refused the subscription to {Topic} ({Code}); commands will not arrive. Check the broker ACL.", _device.Id, _commandTopic, item.ResultCode);
            }
        }

        var online = new StatusMessage
        {
            State = StatusMessage.Online,
            Ts = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            Boot = _boot,
            Kind = _device.Kind,
            Firmware = DeviceMqttMessages.Firmware,
        };
        await client.PublishAsync(DeviceMqttMessages.Status(_device.Id, online), cancellationToken);
        _connected = true;
    }

    private async Task PumpAsync(IMqttClient client, Task lost, CancellationToken cancellationToken)
    {
        // Everything stored before this connection came up is a replay of what waited out the outage.
        var backlogEnd = _outbox.NextIndex;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_outbox.Peek() is not { } message)
            {
                var ready = _outbox.WaitForMessageAsync(cancellationToken);
                if (await Task.WhenAny(ready, lost) == lost)
                {
                    throw new MqttCommunicationException("The broker connection was lost.");
                }

                await ready;
                continue;
            }

            var result = await client.PublishAsync(DeviceMqttMessages.Queued(_device.Id, message), cancellationToken);

            // MQTT 5 §2.4: reason codes below 0x80 are successes (0x10 "no matching subscribers" included).
            if ((int)result.ReasonCode >= 0x80)
            {
                if (!IsPermanent(result.ReasonCode))
                {
                    throw new MqttCommunicationException($"The broker answered {result.ReasonCode} to a publish; retrying after a pause.");
                }

                _counters.OnBrokerRejected();
                if (_rejectedLog.ShouldLog(out var suppressed))
                {
                    _logger.LogError("Device {DeviceId}: broker refused a {Class} message for good ({Code} {Reason}); it is removed from the queue ({Suppressed} more since the last report). Check the broker ACL for sc/v1/dev/{DeviceId}/#.",
                        _device.Id, message.Class, result.ReasonCode, result.ReasonString, suppressed, _device.Id);
                }
            }
            else
            {
                _counters.OnPublished(replayed: message.Index < backlogEnd);
            }

            _outbox.Complete(message.Index);
        }
    }

    /// <summary>Refusals that resending cannot change; the rest (quota exceeded, server busy, …) are retried after a pause.</summary>
    private static bool IsPermanent(MqttClientPublishReasonCode code) => code is
        MqttClientPublishReasonCode.NotAuthorized or MqttClientPublishReasonCode.TopicNameInvalid or
        MqttClientPublishReasonCode.PayloadFormatInvalid;

    private void OnConnected(int failedAttempts, bool everConnected)
    {
        if (everConnected)
        {
            _counters.OnReconnected();
        }

        _stillDownLog.Reset();
        var level = _connectedLog.ShouldLog(out var unlogged) ? LogLevel.Information : LogLevel.Debug;
        _logger.Log(level, "Device {DeviceId}: connected to {Host}:{Port} as client {DeviceId} (boot {Boot}, {Queued} queued messages to send{Attempts}{Unlogged}).",
            _device.Id, _broker.Host, _broker.Port, _device.Id, _boot, _outbox.Counters.Pending,
            failedAttempts > 0 ? $", after {failedAttempts} failed attempts" : "",
            unlogged > 0 ? $"; {unlogged} earlier reconnects not logged" : "");
    }

    private void OnConnectionLost(Exception ex, TimeSpan upFor)
    {
        var level = _lostLog.ShouldLog(out var unlogged) ? LogLevel.Warning : LogLevel.Debug;
        _logger.Log(level, "Device {DeviceId}: connection lost after {UpFor} ({Reason}); messages are kept on disk and sent on reconnect{Unlogged}.",
            _device.Id, upFor.ToString(@"d\.hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture), ex.Message,
            unlogged > 0 ? $" ({unlogged} earlier losses not logged)" : "");

        // The loss was just reported; the reconnect attempts that follow need not be for a while.
        _stillDownLog.Reset();
        _stillDownLog.ShouldLog(out _);
    }

    private void OnConnectFailed(Exception ex, int attempt)
    {
        if (_stillDownLog.ShouldLog(out _))
        {
            _logger.LogWarning("Device {DeviceId}: cannot connect to {Host}:{Port} ({Reason}); attempt {Attempt}, {Queued} messages queued on disk. Retrying with backoff up to {Cap} s.",
                _device.Id, _broker.Host, _broker.Port, ex.Message, attempt, _outbox.Counters.Pending, _broker.ReconnectMaxDelaySeconds);
        }
        else
        {
            _logger.LogDebug("Device {DeviceId}: connect attempt {Attempt} failed: {Reason}", _device.Id, attempt, ex.Message);
        }
    }

    private async Task SayGoodbyeAsync(IMqttClient client)
    {
        if (!client.IsConnected)
        {
            return;
        }

        // A normal disconnect discards the last will, so say "offline" ourselves before leaving.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_broker.TimeoutSeconds));
        try
        {
            await client.PublishAsync(DeviceMqttMessages.Status(_device.Id, new StatusMessage
            {
                State = StatusMessage.Offline,
                Ts = _time.GetUtcNow().ToUnixTimeMilliseconds(),
                Boot = _boot,
            }), timeout.Token);
            await client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException)
        {
            _logger.LogDebug("Device {DeviceId}: could not say offline on the way out ({Reason}); the broker sends the last will.", _device.Id, ex.Message);
        }

        _connected = false;
    }
}
