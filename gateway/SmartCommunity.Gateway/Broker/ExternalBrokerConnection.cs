using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Protocol.Validation;
using SmartCommunity.Resilience;

namespace SmartCommunity.Gateway.Broker;

/// <summary>
/// External-broker mode: the gateway is an MQTT 5 client of mosquitto (or another broker) and subscribes
/// with a shared subscription (<c>$share/{group}/…</c>, MQTT 5 §4.8.2) so several gateways split the load.
/// The broker enforces authentication and the ACL (see <c>deploy/mosquitto/</c> and
/// <c>GET /api/admin/broker/mosquitto/*</c>); this side still refuses unknown devices and bad payloads.
/// Reconnects with the project's <see cref="Backoff"/> (steps of 1 s doubling to 30 s) and resubscribes.
/// </summary>
public sealed class ExternalBrokerConnection : BackgroundService, IDeviceBus
{
    private readonly BrokerOptions _options;
    private readonly IngestPipeline _pipeline;
    private readonly BrokerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<ExternalBrokerConnection> _logger;
    private readonly IMqttClient _client;
    private readonly SemaphoreSlim _disconnected = new(0);

    /// <summary>1 s doubling to 30 s, as before the one policy; the jitter is <see cref="Backoff"/>'s.</summary>
    internal static readonly Backoff ReconnectBackoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    public ExternalBrokerConnection(IOptions<BrokerOptions> options, IngestPipeline pipeline, BrokerMetrics metrics, TimeProvider time, ILogger<ExternalBrokerConnection> logger)
    {
        _options = options.Value;
        _pipeline = pipeline;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += _ =>
        {
            _disconnected.Release();
            return Task.CompletedTask;
        };
    }

    public bool IsAvailable => _client.IsConnected;

    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qualityOfService, bool retain, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            _metrics.PublishFailed.Inc();
            throw new BusUnavailableException($"Not connected to the external broker {_options.Host}:{_options.ExternalPort}.");
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload.ToArray())
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qualityOfService)
            .WithRetainFlag(retain)
            .Build();
        try
        {
            await _client.PublishAsync(message, cancellationToken);
            _metrics.Published.Inc();
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            _metrics.PublishFailed.Inc();
            throw new BusUnavailableException("Publishing to the external broker failed.", ex);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Each connection is tried until it succeeds (or the gateway stops); a lost connection starts a new series.
        var connect = Retry.Pipeline<bool>(ReconnectBackoff, int.MaxValue, outcome => outcome.Exception is not null, _time,
            (_, outcome, wait) => _logger.LogWarning("Cannot connect to the external broker {Host}:{Port}: {Error}; retrying in {Delay}",
                _options.Host, _options.ExternalPort, outcome.Exception?.Message, wait));
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await connect.ExecuteAsync(async token =>
                {
                    while (_disconnected.CurrentCount > 0)
                    {
                        await _disconnected.WaitAsync(CancellationToken.None); // Forget stale signals from failed attempts.
                    }

                    await ConnectAndSubscribeAsync(token);
                    return true;
                }, stoppingToken);
                if (!first)
                {
                    _metrics.ExternalReconnects.Inc();
                }

                first = false;
                await _disconnected.WaitAsync(stoppingToken);
                _logger.LogWarning("Lost the connection to the external broker {Host}:{Port}", _options.Host, _options.ExternalPort);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }

        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
        }
    }

    private async Task ConnectAndSubscribeAsync(CancellationToken cancellationToken)
    {
        // Stable across restarts: the persistent session, and the QoS 1 messages the broker holds for it, belong to
        // this client ID; a new ID after a crash would leave them in an orphaned session.
        var clientId = _options.ClientId ?? $"sc-gateway-{Environment.MachineName}";
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.ExternalPort)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCredentials(_options.Username, _options.Password)
            // A persistent session keeps QoS 1 messages queued at the broker while this gateway restarts.
            .WithCleanStart(false)
            .WithSessionExpiryInterval(24 * 3600)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15));
        if (_options.UseTls)
        {
            builder.WithTlsOptions(o => o.UseTls());
        }

        var result = await _client.ConnectAsync(builder.Build(), cancellationToken);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"Broker refused the connection: {result.ResultCode}");
        }

        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in TopicScheme.GatewayInboundFilters)
        {
            var shared = string.IsNullOrEmpty(_options.SharedSubscriptionGroup) ? filter : $"$share/{_options.SharedSubscriptionGroup}/{filter}";
            subscribe.WithTopicFilter(shared, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        var subscribed = await _client.SubscribeAsync(subscribe.Build(), cancellationToken);
        foreach (var item in subscribed.Items)
        {
            if (item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
            {
                throw new InvalidOperationException($"Broker refused subscription {item.TopicFilter.Topic}: {item.ResultCode}");
            }
        }

        _logger.LogInformation("Connected to external broker {Host}:{Port} as {ClientId} (shared group '{Group}')", _options.Host, _options.ExternalPort, clientId, _options.SharedSubscriptionGroup);
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        // The broker already authenticated the sender and applied its ACL; the sender's name is not known here.
        // The PUBACK goes back only once the message is durable (journaled) or refused for good; until then the
        // broker keeps it in our persistent session and sends it again after a crash. This callback returns once
        // the message is queued, not durable, so the next one comes in during the journal's group commit, in order.
        args.AutoAcknowledge = false;
        var verdict = await _pipeline.QueueInOrderAsync(args.ApplicationMessage.Topic, args.ApplicationMessage.Payload, CancellationToken.None).ConfigureAwait(false);
        if (verdict.IsCompletedSuccessfully)
        {
            await AcknowledgeAsync(args, verdict.Result).ConfigureAwait(false);
            return;
        }

        _ = AcknowledgeWhenDurableAsync(args, verdict);
    }

    private async Task AcknowledgeWhenDurableAsync(MqttApplicationMessageReceivedEventArgs args, ValueTask<IngestVerdict> verdict)
    {
        try
        {
            await AcknowledgeAsync(args, await verdict.ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is gone: the broker resends the unacknowledged message in the resumed session.
            _logger.LogDebug(ex, "Could not acknowledge a message; the broker will send it again");
        }
    }

    private Task AcknowledgeAsync(MqttApplicationMessageReceivedEventArgs args, IngestVerdict verdict)
    {
        if (verdict.Reason == RejectReason.Overloaded)
        {
            // Not stored (the journal failed, or the gateway is stopping): no PUBACK. A broker resends an unacknowledged
            // message only in a new connection (MQTT 5 §4.4), and meanwhile it fills the in-flight window, so drop this
            // connection: the reconnect loop comes back after its backoff and the broker sends it again.
            return ReconnectForRedeliveryAsync();
        }

        // Accepted, or refused for good (bad topic, unknown device): acknowledging a refusal stops redelivery of
        // a message that can never be taken; it is counted in sc_ingest_rejected_total.
        return args.AcknowledgeAsync(CancellationToken.None);
    }

    private async Task ReconnectForRedeliveryAsync()
    {
        if (!_client.IsConnected)
        {
            return;
        }

        _logger.LogWarning("Could not store a message from the external broker; reconnecting so that the broker sends it again");
        try
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.UnspecifiedError).Build(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or InvalidOperationException or ObjectDisposedException)
        {
            // Already gone: the reconnect loop takes over either way.
        }
    }
}
