using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.AspNetCore;
using MQTTnet.Protocol;
using MQTTnet.Server;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Protocol.Validation;

namespace SmartCommunity.Gateway.Broker;

/// <summary>
/// The in-process MQTT broker (MQTTnet.Server): authenticates every client, enforces the topic ACL, and
/// hands device publishes to the ingest pipeline. Messages the gateway consumes are not routed on to other
/// subscribers (nobody else may subscribe to them), which keeps the broker's per-message work small.
/// </summary>
public sealed class EmbeddedBroker : IHostedService, IDeviceBus, IAsyncDisposable
{
    /// <summary>Sender ID of messages the gateway injects (commands, alerts); the interceptor lets them through.</summary>
    public const string GatewaySenderId = "$sc-gateway";

    private const int WriterBufferBytes = 1024;

    private readonly BrokerOptions _options;
    private readonly IngestPipeline _pipeline;
    private readonly MqttAccessControl _access;
    private readonly DevicePresence _presence;
    private readonly BrokerMetrics _metrics;
    private readonly ILogger<EmbeddedBroker> _logger;
    private readonly int _maxPayloadBytes;
    private readonly TimeProvider _time;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _sessionOwners = new(StringComparer.Ordinal);
    private MqttServer? _server;
    private X509Certificate2? _certificate;
    private KestrelMqttListener? _kestrel;

    public EmbeddedBroker(
        IOptions<BrokerOptions> options,
        IngestPipeline pipeline,
        MqttAccessControl access,
        DevicePresence presence,
        BrokerMetrics metrics,
        ILogger<EmbeddedBroker> logger,
        IOptions<IngestOptions> ingest,
        TimeProvider time)
    {
        _options = options.Value;
        _maxPayloadBytes = ingest.Value.MaxPayloadBytes;
        _time = time;
        _pipeline = pipeline;
        _access = access;
        _presence = presence;
        _metrics = metrics;
        _logger = logger;
    }

    public bool IsAvailable => _server?.IsStarted == true;

    /// <summary>The listener serving the plain-MQTT port now (see <see cref="BrokerOptions.Transport"/>).</summary>
    public BrokerTransport Transport => _kestrel is null ? BrokerTransport.Buffered : BrokerTransport.Kestrel;

    /// <summary>The plain-MQTT port actually bound (differs from the configured one only when that was 0 in tests).</summary>
    public int Port => _options.Port;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = new MqttServerFactory().CreateServerOptionsBuilder()
            .WithMaxPendingMessagesPerClient(_options.MaxPendingMessagesPerClient)
            .WithPendingMessagesOverflowStrategy(MqttPendingMessagesOverflowStrategy.DropOldestQueuedMessage)
            .WithPersistentSessions(true);
        var address = IPAddress.Parse(_options.BindAddress);
        // Plain MQTT is served by our own listener (with the packet limits; see BufferedTcpServerAdapter), or not at all.
        builder.WithoutDefaultEndpoint();

        var serverOptions = builder.Build();
        // MQTTnet gives every connection a 4 KB encode buffer up front. The broker sends devices small packets
        // (acknowledgements, commands), so 1 KB is enough and a larger packet grows it: 30 MB less at 10 000 devices,
        // which pays for the read buffers (ReadBufferBytes) with room to spare.
        serverOptions.WriterBufferSize = WriterBufferBytes;
        var factory = new MqttServerFactory();
        // Both listeners are ours (BufferedTcpServerAdapter), with the same limits before trust; MQTTnet's TCP adapter
        // is not used, so neither port can be reached without them.
        var limits = new ConnectionLimits(_options.MaxConnectPacketBytes, _maxPayloadBytes + _options.PacketHeaderBytes,
            _options.ConnectTimeout, _options.MaxUnauthenticatedConnectionsPerSource, _options.MaxUnauthenticatedConnections);
        var adapters = new List<BufferedTcpServerAdapter>();
        MqttConnectionHandler? kestrel = null;
        if (_options.Port > 0 && _options.Transport == BrokerTransport.Kestrel)
        {
            kestrel = new MqttConnectionHandler();
            _logger.LogWarning("Broker:Transport=Kestrel: plain MQTT on port {Port} has no packet limits, connect timeout or cap before CONNECT (a benchmark variant)", _options.Port);
        }
        else if (_options.Port > 0)
        {
            adapters.Add(new BufferedTcpServerAdapter(new IPEndPoint(address, _options.Port), _options.ReadBufferBytes, _logger, limits, _metrics, _time));
        }

        if (!string.IsNullOrEmpty(_options.CertificatePath))
        {
            _certificate = X509CertificateLoader.LoadPkcs12FromFile(_options.CertificatePath, _options.CertificatePassword);
            adapters.Add(new BufferedTcpServerAdapter(new IPEndPoint(address, _options.TlsPort), _options.ReadBufferBytes, _logger, limits, _metrics, _time, _certificate));
        }

        _metrics.UnauthenticatedGauge(() => adapters.Sum(a => a.Unauthenticated));
        _server = factory.CreateMqttServer(serverOptions, kestrel is null ? adapters : [.. adapters, kestrel]);

        _server.ValidatingConnectionAsync += ValidateConnectionAsync;
        _server.InterceptingPublishAsync += InterceptPublishAsync;
        _server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        _server.ClientConnectedAsync += OnClientConnectedAsync;
        _server.ClientDisconnectedAsync += OnClientDisconnectedAsync;
        _server.SessionDeletedAsync += OnSessionDeletedAsync;
        await _server.StartAsync();
        if (kestrel is not null)
        {
            // After the server: its start gave the handler the server's options and its client handler.
            _kestrel = await KestrelMqttListener.StartAsync(new IPEndPoint(address, _options.Port), kestrel, serverOptions.DefaultEndpointOptions.NoDelay, cancellationToken);
        }

        _logger.LogInformation("Embedded MQTT broker listening on {Address}:{Port}{Tls}", _options.BindAddress, _options.Port,
            string.IsNullOrEmpty(_options.CertificatePath) ? "" : $" and TLS {_options.TlsPort}");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _kestrel, null) is { } listener)
        {
            await listener.DisposeAsync();
        }

        if (_server is { IsStarted: true } server)
        {
            await StopServerAsync(server);
        }
    }

    private async Task StopServerAsync(MqttServer server)
    {
        try
        {
            await server.StopAsync(new MqttServerStopOptions());
        }
        catch (InvalidOperationException ex)
        {
            // MQTTnet 5.2's TCP adapter can throw "collection was modified" while closing live connections at
            // stop; the listener is closed by then, so the stop has done its job.
            _logger.LogDebug(ex, "MQTTnet reported an error while stopping");
        }
    }

    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qualityOfService, bool retain, CancellationToken cancellationToken)
    {
        if (_server is not { IsStarted: true })
        {
            _metrics.PublishFailed.Inc();
            throw new BusUnavailableException("The embedded broker is not running.");
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload.ToArray())
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qualityOfService)
            .WithRetainFlag(retain)
            .Build();
        await _server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = GatewaySenderId }, cancellationToken);
        _metrics.Published.Inc();
    }

    private Task ValidateConnectionAsync(ValidatingConnectionEventArgs args)
    {
        var decision = _access.Authenticate(args.UserName, args.Password, args.ClientId, (args.RemoteEndPoint as IPEndPoint)?.Address);
        if (decision.Allowed)
        {
            // The session (and the messages queued in it) belongs to the principal that created it; with the client-ID
            // rule only one principal can claim an ID, and this holds even if a device and a person ever share a name.
            var clientId = decision.AssignedClientId ?? args.ClientId;
            var principal = (decision.Kind == MqttPrincipalKind.Device ? "device:" : "person:") + args.UserName;
            if (_sessionOwners.GetOrAdd(clientId, principal) == principal)
            {
                args.AssignedClientIdentifier = decision.AssignedClientId;
                return Task.CompletedTask;
            }

            _metrics.ConnectRefusedSessionOwner.Inc();
            decision = ConnectDecision.Refuse("session_of_another");
        }

        args.ReasonCode = decision.Refusal is "client_id_mismatch" or "session_of_another"
            ? MqttConnectReasonCode.ClientIdentifierNotValid
            : MqttConnectReasonCode.BadUserNameOrPassword;
        // Never log the password; the user name identifies the device for the installer.
        _logger.LogWarning("Refused MQTT connection of {User} as {ClientId} from {Endpoint}: {Reason}", args.UserName ?? "(anonymous)", args.ClientId, args.RemoteEndPoint, decision.Refusal);
        return Task.CompletedTask;
    }

    private Task OnSessionDeletedAsync(SessionDeletedEventArgs args)
    {
        _sessionOwners.TryRemove(args.Id, out _);
        return Task.CompletedTask;
    }

    private Task InterceptPublishAsync(InterceptingPublishEventArgs args)
    {
        if (args.ClientId == GatewaySenderId)
        {
            return Task.CompletedTask; // The gateway's own commands and alerts: route them to the subscriber.
        }

        // Consumed here either way: device data is never routed to other clients.
        args.ProcessPublish = false;
        var pending = _pipeline.AcceptAsync(args.ApplicationMessage.Topic, args.ApplicationMessage.Payload, args.UserName, args.CancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            // The common case: queued without waiting, so no async state machine per message.
            Answer(args, pending.Result);
            return Task.CompletedTask;
        }

        return AnswerWhenQueuedAsync(args, pending);
    }

    private static async Task AnswerWhenQueuedAsync(InterceptingPublishEventArgs args, ValueTask<IngestVerdict> pending) =>
        Answer(args, await pending);

    private static void Answer(InterceptingPublishEventArgs args, IngestVerdict verdict)
    {
        if (verdict.IsAccepted)
        {
            return;
        }

        args.Response.ReasonCode = verdict.Reason switch
        {
            RejectReason.NotAuthorized => MqttPubAckReasonCode.NotAuthorized,
            RejectReason.UnknownTopic => MqttPubAckReasonCode.TopicNameInvalid,
            RejectReason.Oversized => MqttPubAckReasonCode.PayloadFormatInvalid,
            RejectReason.Overloaded => MqttPubAckReasonCode.QuotaExceeded,
            _ => MqttPubAckReasonCode.UnspecifiedError,
        };
        args.Response.ReasonString = verdict.Error;
        args.CloseConnection = verdict.ShouldDisconnect;
    }

    private Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs args)
    {
        if (!_access.MaySubscribe(args.UserName, args.TopicFilter.Topic))
        {
            args.ProcessSubscription = false;
            args.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            _logger.LogWarning("Refused subscription of {User} to {Filter}", args.UserName, args.TopicFilter.Topic);
        }

        return Task.CompletedTask;
    }

    private Task OnClientConnectedAsync(ClientConnectedEventArgs args)
    {
        _metrics.ClientConnected();
        _presence.OnConnected(args.UserName);
        return Task.CompletedTask;
    }

    private Task OnClientDisconnectedAsync(ClientDisconnectedEventArgs args)
    {
        _metrics.ClientDisconnected();
        // Only a device whose connection this was: a refused CONNECT never counted as connected.
        if (args.DisconnectType != MqttClientDisconnectType.Takeover)
        {
            _presence.OnDisconnected(args.UserName, args.DisconnectType == MqttClientDisconnectType.Clean ? "disconnected" : "connection lost");
        }

        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _kestrel, null) is { } listener)
        {
            await listener.DisposeAsync();
        }

        var server = Interlocked.Exchange(ref _server, null);
        if (server is not null)
        {
            if (server.IsStarted)
            {
                await StopServerAsync(server);
            }

            server.Dispose();
        }

        Interlocked.Exchange(ref _certificate, null)?.Dispose();
    }
}
