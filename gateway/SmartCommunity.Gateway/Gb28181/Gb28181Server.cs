using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Gb28181.Live;
using SmartCommunity.Gateway.Gb28181.Playback;
using SmartCommunity.Gb28181.Manscdp;
using SmartCommunity.Gb28181.Sip;

namespace SmartCommunity.Gateway.Gb28181;

/// <summary>
/// The GB/T 28181 SIP server: REGISTER to the <see cref="Registrar"/>, MESSAGE (Keepalive, Catalog responses) to
/// presence and the <see cref="CatalogSync"/>, responses to the <see cref="SipClient"/>. A device that misses
/// <see cref="Gb28181Options.KeepaliveMisses"/> keepalive intervals, or whose registration expires, goes offline
/// (device presence, and with it the <c>device_offline</c> alert), and its channels with it.
/// </summary>
public sealed class Gb28181Server(IOptions<Gb28181Options> options, Registrar registrar, SipClient client, SipCredentialStore credentials,
    DeviceSessions sessions, DevicePresence presence, CatalogSync catalogs, GbAlarms alarms, RecordQueries records, PlaybackStreams playbacks, Subscriptions subscriptions, Cascade.UpstreamPlatform upstream, Cascade.UpstreamMedia upward, Cascade.UpstreamAlarms alarmsUpward, LiveStreams streams, LiveRelay relay, GbCameras cameras,
    Gb28181Metrics metrics, TimeProvider time, ILoggerFactory loggers)
    : BackgroundService
{
    private readonly Gb28181Options _options = options.Value;
    private readonly CatalogCollector _collector = new(time);
    private readonly RecentTransactions _recent = new(time);
    private readonly ILogger _logger = loggers.CreateLogger<Gb28181Server>();
    private SipTransport? _transport;

    /// <summary>The UDP endpoint bound, once started (port 0 in tests picks a free one).</summary>
    public System.Net.IPEndPoint? Endpoint => _transport?.UdpEndpoint;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        credentials.Load();
        metrics.Gauge("sc_gb28181_registered_devices", "GB/T 28181 devices registered now.", () => sessions.Count);
        registrar.Registered += session => _ = QueryAndSubscribeAsync(session, stoppingToken);
        _transport = new SipTransport(_options, metrics, _logger);
        client.Transport = _transport;
        _transport.Start(HandleAsync);
        relay.Start();
        cameras.FollowRelay();
        _logger.LogInformation("GB/T 28181 SIP server on {Address}:{Port} (UDP and TCP), realm {Realm}", _options.BindAddress, _options.Port, _options.EffectiveRealm);
        var cascade = upstream.Enabled ? Task.WhenAll(upstream.RunAsync(stoppingToken), alarmsUpward.RunAsync(stoppingToken)) : Task.CompletedTask;
        try
        {
            var period = TimeSpan.FromTicks(Math.Clamp(_options.KeepaliveInterval.Ticks / 4, TimeSpan.FromMilliseconds(200).Ticks, TimeSpan.FromSeconds(5).Ticks));
            using var timer = new PeriodicTimer(period, time);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                CheckSessions();
                streams.Tick();
                playbacks.Tick();
                subscriptions.Tick();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            await streams.StopAllAsync().ConfigureAwait(false);
            await playbacks.StopAllAsync().ConfigureAwait(false);
            await upward.StopAllAsync().ConfigureAwait(false);
            await subscriptions.StopAllAsync().ConfigureAwait(false);
            await cascade.ConfigureAwait(false); // Unregisters from the superior platform.
            await relay.StopAsync().ConfigureAwait(false);
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Ends sessions that expired or went silent (called by the loop; tests may call it).</summary>
    public void CheckSessions()
    {
        var now = time.GetUtcNow();
        var silence = _options.KeepaliveInterval * _options.KeepaliveMisses;
        foreach (var session in sessions.All)
        {
            var cause = now >= session.Expires ? "registration-expired" : now - session.LastHeard > silence ? "keepalive-timeout" : null;
            if (cause is not null && sessions.Remove(session.DeviceId))
            {
                metrics.Presence(cause);
                presence.OnDisconnected(session.DeviceId, "sip " + cause);
                catalogs.ParentOffline(session.DeviceId, "parent " + cause);
                streams.ParentOffline(session.DeviceId);
                playbacks.ParentOffline(session.DeviceId);
                subscriptions.Forget(session.DeviceId);
                _logger.LogWarning("GB/T 28181 device {Device} is offline: {Cause}", session.DeviceId, cause);
            }
        }
    }

    private async Task HandleAsync(SipMessage message, SipPeer peer)
    {
        if (!message.IsRequest)
        {
            if (!client.OnResponse(message))
            {
                metrics.Refused("stray-response");
            }

            return;
        }

        switch (message.Method)
        {
            case "REGISTER":
                await registrar.HandleAsync(message, peer).ConfigureAwait(false);
                break;
            case "MESSAGE" or "NOTIFY" when _recent.TryGet(message, out var earlier):
                metrics.Refused("retransmission-absorbed");
                await peer.SendAsync(earlier).ConfigureAwait(false);
                break;
            case "MESSAGE" when upstream.IsFromUpstream(message, peer):
                await upstream.HandleMessageAsync(message, response => AnswerAsync(message, peer, response)).ConfigureAwait(false);
                break;
            case "MESSAGE":
                await MessageAsync(message, peer).ConfigureAwait(false);
                break;
            case "NOTIFY":
                await NotifyAsync(message, peer).ConfigureAwait(false);
                break;
            case "INVITE" when upstream.IsFromUpstream(message, peer):
                await upward.HandleInviteAsync(message, peer).ConfigureAwait(false);
                break;
            case "INFO" when upstream.IsFromUpstream(message, peer):
                await upward.HandleInfoAsync(message, peer).ConfigureAwait(false); // Playback control (§9.8.2).
                break;
            case "ACK":
                upward.OnAck(message.CallId);
                break; // RFC 3261 §17.2.1: no response to ACK.
            case "BYE":
                // The device ends a live stream or a playback, or the superior a stream sent upward (RFC 3261 §15.1.2); 481 when no stream has that Call-ID.
                var known = streams.OnBye(message.CallId) || playbacks.OnBye(message.CallId) || upward.OnBye(message.CallId);
                if (!known)
                {
                    metrics.Refused("bye-unknown-dialog");
                }

                await peer.SendAsync(known ? SipMessage.ResponseTo(message, 200, "OK") : SipMessage.ResponseTo(message, 481, "Call/Transaction Does Not Exist")).ConfigureAwait(false);
                break;
            case "OPTIONS":
                await peer.SendAsync(SipMessage.ResponseTo(message, 200, "OK", Registrar.NewTag())).ConfigureAwait(false);
                break;
            default:
                metrics.Refused("method-not-allowed");
                var refused = SipMessage.ResponseTo(message, 405, "Method Not Allowed");
                refused.Add("Allow", "REGISTER, MESSAGE, NOTIFY, ACK, BYE, OPTIONS");
                await peer.SendAsync(refused).ConfigureAwait(false);
                break;
        }
    }

    private Task AnswerAsync(SipMessage request, SipPeer peer, SipMessage response)
    {
        _recent.Remember(request, response);
        return peer.SendAsync(response);
    }

    /// <summary>The registered session that may send this request (from its registered address), or null once refused and answered 403.</summary>
    private async Task<DeviceSession?> SenderAsync(SipMessage request, SipPeer peer)
    {
        var deviceId = request.FromUser;
        var session = deviceId is null ? null : sessions.Get(deviceId);
        if (session is null)
        {
            metrics.Refused("not-registered");
            await AnswerAsync(request, peer, SipMessage.ResponseTo(request, 403, "Forbidden: not registered")).ConfigureAwait(false);
            return null;
        }

        if (!session.Remote.Address.Equals(peer.Remote.Address))
        {
            // A registered ID from another address: someone else using a device's name.
            metrics.Refused("wrong-source");
            await AnswerAsync(request, peer, SipMessage.ResponseTo(request, 403, "Forbidden: not the registered address")).ConfigureAwait(false);
            return null;
        }

        return session;
    }

    /// <summary>A body that is MANSCDP, or null once refused and answered 400 (counted <c>manscdp-</c>reason).</summary>
    private async Task<ManscdpMessage?> BodyAsync(SipMessage request, SipPeer peer)
    {
        var body = ManscdpMessage.Parse(request.Body.Span, out var reason);
        if (body is null)
        {
            metrics.Refused("manscdp-" + reason);
            await AnswerAsync(request, peer, SipMessage.ResponseTo(request, 400, "Bad Request: " + reason)).ConfigureAwait(false);
        }

        return body;
    }

    /// <summary>
    /// A NOTIFY in a subscription the gateway holds (GB/T 28181-2016 §9.11): 481 outside one, 500 when its CSeq is not
    /// above the last one's (RFC 3261 §12.2.2), 400 for a body that is not MANSCDP or not the subscribed event; else 200,
    /// then a catalog change to the registry or an alarm to the ingest.
    /// </summary>
    private async Task NotifyAsync(SipMessage request, SipPeer peer)
    {
        if (await SenderAsync(request, peer).ConfigureAwait(false) is not { } session)
        {
            return;
        }

        var subscription = subscriptions.Find(request.CallId, session.DeviceId);
        if (subscription is null)
        {
            metrics.Refused("notify-unknown-subscription");
            await AnswerAsync(request, peer, SipMessage.ResponseTo(request, 481, "Subscription Does Not Exist")).ConfigureAwait(false);
            return;
        }

        if (!Subscriptions.TryAdvance(subscription, request.CSeq?.Number ?? -1))
        {
            metrics.Refused("notify-cseq-out-of-order");
            await AnswerAsync(request, peer, SipMessage.ResponseTo(request, 500, "Server Internal Error")).ConfigureAwait(false);
            return;
        }

        if (await BodyAsync(request, peer).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        if (body.Kind != "Notify" || body.CmdType != subscription.Event)
        {
            metrics.Refused("notify-wrong-event");
            await AnswerAsync(request, peer, SipMessage.ResponseTo(request, 400, "Bad Request: not a " + subscription.Event + " notification")).ConfigureAwait(false);
            return;
        }

        await AnswerAsync(request, peer, SipMessage.ResponseTo(request, 200, "OK", Registrar.NewTag())).ConfigureAwait(false);
        session.LastHeard = time.GetUtcNow();
        if (body.CmdType == "Catalog")
        {
            subscriptions.OnCatalogNotify(body, session.DeviceId);
        }
        else
        {
            metrics.Message("AlarmNotify");
            await alarms.HandleAsync(body, session.DeviceId).ConfigureAwait(false);
        }

        if (request.Get("Subscription-State")?.StartsWith("terminated", StringComparison.OrdinalIgnoreCase) == true)
        {
            subscriptions.Forget(session.DeviceId, subscription);
        }
    }

    private async Task MessageAsync(SipMessage request, SipPeer peer)
    {
        if (await SenderAsync(request, peer).ConfigureAwait(false) is not { } session || await BodyAsync(request, peer).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        // GB/T 28181-2016 §9.3: acknowledge with 200 first; the content is handled after.
        await AnswerAsync(request, peer, SipMessage.ResponseTo(request, 200, "OK", Registrar.NewTag())).ConfigureAwait(false);
        session.LastHeard = time.GetUtcNow();
        switch ((body.Kind, body.CmdType))
        {
            case ("Notify", "Keepalive"):
                metrics.Message("Keepalive");
                presence.OnConnected(session.DeviceId);
                break;
            case ("Response", "Catalog"):
                var catalog = _collector.Add(body, out var refused);
                if (refused is not null)
                {
                    metrics.Refused("catalog-" + refused);
                }

                if (catalog is not null)
                {
                    catalogs.Apply(catalog);
                }

                break;
            case ("Notify", "MediaStatus"):
                metrics.Message("MediaStatus");
                playbacks.OnMediaStatus(body, session.DeviceId);
                break;
            case ("Response", "RecordInfo"):
                records.OnResponse(body, session.DeviceId);
                break;
            case ("Notify", "Alarm"):
                var accepted = await alarms.HandleAsync(body, session.DeviceId).ConfigureAwait(false);
                _ = AnswerAlarmAsync(session, body, accepted);
                break;
            default:
                metrics.Refused("unhandled-cmd");
                break;
        }
    }

    /// <summary>
    /// GB/T 28181-2016 §9.4.2 (报警事件通知和分发, flow steps 3–4; the same in the 2022 edition): after the 200 OK the
    /// SIP server sends the device a MESSAGE with the alarm notification response, <c>Response</c>/<c>Alarm</c> with the
    /// alarm's SN and DeviceID and <c>Result</c> OK (A.2.6, 报警通知应答); a device that gets none may send the alarm
    /// again. A refused alarm is answered <c>ERROR</c>, so the device stops resending what will never be accepted.
    /// </summary>
    private async Task AnswerAlarmAsync(DeviceSession session, ManscdpMessage alarm, bool accepted)
    {
        try
        {
            var request = client.NewRequest("MESSAGE", session);
            request.Add("Content-Type", "Application/MANSCDP+xml");
            request.Body = ManscdpBodies.Result("Alarm", alarm.Sn, alarm.DeviceId, accepted);
            var answer = await client.SendAsync(request, session, TimeSpan.FromSeconds(8)).ConfigureAwait(false);
            metrics.Message(answer?.StatusCode is >= 200 and < 300 ? "AlarmResponse" : "AlarmResponse-unanswered");
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            metrics.Refused("alarm-response-failed");
            _logger.LogWarning(ex, "GB/T 28181: alarm response to {Device} failed", session.DeviceId);
        }
    }

    /// <summary>
    /// After a registration: the Catalog query, then the subscriptions, once the catalog is complete (or after 30 s), so
    /// a change notified at once finds the channels it names.
    /// </summary>
    private async Task QueryAndSubscribeAsync(DeviceSession session, CancellationToken cancellationToken)
    {
        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnApplied(string deviceId, IReadOnlyList<string> _)
        {
            if (deviceId == session.DeviceId)
            {
                applied.TrySetResult();
            }
        }

        catalogs.Applied += OnApplied;
        try
        {
            if (await QueryCatalogAsync(session, cancellationToken).ConfigureAwait(false) && subscriptions.EventsFor(session.DeviceId).Count > 0)
            {
                await applied.Task.WaitAsync(TimeSpan.FromSeconds(30), time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (TimeoutException)
        {
            // Subscribe anyway: the catalog may have no video channels at all.
        }
        catch (OperationCanceledException)
        {
            return;
        }
        finally
        {
            catalogs.Applied -= OnApplied;
        }

        await subscriptions.StartAsync(session).ConfigureAwait(false);
    }

    /// <summary>Asks a newly registered device for its channels (GB/T 28181-2016 §9.5.1); the answers arrive as MESSAGEs.</summary>
    public async Task<bool> QueryCatalogAsync(DeviceSession session, CancellationToken cancellationToken)
    {
        try
        {
            var request = client.NewRequest("MESSAGE", session);
            request.Add("Content-Type", "Application/MANSCDP+xml");
            request.Body = ManscdpBodies.Query("Catalog", client.NextSn(), session.DeviceId);
            var response = await client.SendAsync(request, session, TimeSpan.FromSeconds(32), cancellationToken).ConfigureAwait(false);
            if (response?.StatusCode is not (>= 200 and < 300))
            {
                metrics.Refused(response is null ? "catalog-query-timeout" : "catalog-query-refused");
                return false;
            }

            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            metrics.Refused("catalog-query-failed");
            _logger.LogWarning(ex, "GB/T 28181 catalog query to {Device} failed", session.DeviceId);
            return false;
        }
    }
}
