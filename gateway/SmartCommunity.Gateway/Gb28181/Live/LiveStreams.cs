using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Threading.Channels;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gb28181.Sip;

namespace SmartCommunity.Gateway.Gb28181.Live;

/// <summary>A reader's hold on a live stream: its units, until disposed.</summary>
public sealed class LiveLease(ChannelReader<byte[]> reader, Action release) : IDisposable
{
    private int _released;

    public ChannelReader<byte[]> Reader { get; } = reader;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            release();
        }
    }
}

/// <summary>
/// Live streams of GB channels, on demand (GB/T 28181-2016 §9.2.2): the first reader makes the gateway INVITE the
/// channel through its registered parent (SDP <c>s=Play</c>, <c>y=</c> SSRC, PS/90000 over UDP or TCP passive) and ACK
/// the answer; when the last reader has been gone for <see cref="Gb28181Options.StreamLinger"/> the gateway sends BYE.
/// A BYE from the device, a closed TCP media connection, or the parent going offline ends the stream and its readers
/// (their ffmpeg exits, so the recorder marks the camera down as it would an RTSP camera that stopped sending).
/// </summary>
public sealed class LiveStreams(Gb28181Options options, SipClient client, DeviceSessions sessions, DeviceRegistry devices, Gb28181Metrics metrics,
    TimeProvider time, ILogger<LiveStreams> logger)
{
    public const string TransportAttribute = "gb28181.mediaTransport";
    private readonly ConcurrentDictionary<string, LiveSession> _streams = new(StringComparer.Ordinal);
    private int _ssrcSequence;

    /// <summary>The streams running or starting now (status and tests).</summary>
    public IEnumerable<LiveSession> All => _streams.Values;

    public LiveSession? Get(string channelId) => _streams.GetValueOrDefault(channelId);

    /// <summary>Joins the channel's stream, inviting it when it is not running; null (with the reason counted) when it cannot be had.</summary>
    public async Task<LiveLease?> AttachAsync(string channelId, CancellationToken cancellationToken)
    {
        var parent = ParentOf(channelId);
        if (parent is null || sessions.Get(parent) is not { } session)
        {
            metrics.Stream("refused-not-registered");
            return null;
        }

        var stream = _streams.GetOrAdd(channelId, id => new LiveSession(id, parent));
        Task<bool> starting;
        lock (stream)
        {
            stream.Readers++;
            stream.LingerVersion++;
            if (stream.Starting is null || (stream.Starting.IsCompleted && (!stream.Starting.Result || stream.Receiver is null)))
            {
                stream.Starting = StartAsync(stream, session);
            }

            starting = stream.Starting;
        }

        bool started;
        try
        {
            started = await starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Release(stream);
            throw;
        }

        if (!started)
        {
            Release(stream);
            return null;
        }

        var reader = stream.Channel.Attach();
        return new LiveLease(reader, () =>
        {
            stream.Channel.Detach(reader);
            Release(stream);
        });
    }

    /// <summary>A BYE from the device (RFC 3261 §15.1.2): the stream with that Call-ID ends; false when none has it.</summary>
    public bool OnBye(string? callId)
    {
        var stream = _streams.Values.FirstOrDefault(s => s.CallId is not null && s.CallId == callId);
        if (stream is null)
        {
            return false;
        }

        _ = EndAsync(stream, "bye-received", sendBye: false);
        return true;
    }

    /// <summary>The parent went offline: its streams end without BYE (nobody would answer it).</summary>
    public void ParentOffline(string parentId)
    {
        foreach (var stream in _streams.Values.Where(s => s.ParentId == parentId))
        {
            _ = EndAsync(stream, "parent-offline", sendBye: false);
        }
    }

    /// <summary>
    /// Publishes the receivers' counts and ends streams that brought no RTP for <see cref="Gb28181Options.MediaTimeout"/>
    /// (the server's timer calls this): a UDP stream has no connection whose end would tell.
    /// </summary>
    public void Tick()
    {
        var now = time.GetUtcNow();
        foreach (var stream in _streams.Values)
        {
            if (stream.Receiver is not { } receiver)
            {
                continue;
            }

            receiver.Publish();
            if (now - (receiver.LastPacket ?? receiver.Opened) > options.MediaTimeout)
            {
                _ = EndAsync(stream, "media-timeout", sendBye: true);
            }
        }
    }

    public async Task StopAllAsync()
    {
        await Task.WhenAll(_streams.Values.Select(s => EndAsync(s, "gateway-stopping", sendBye: true))).ConfigureAwait(false);
    }

    private string? ParentOf(string channelId)
    {
        if (sessions.Get(channelId) is not null)
        {
            return channelId; // An IPC registered itself: its own channel.
        }

        return devices.Get(channelId)?.Device.Attributes.GetValueOrDefault(CatalogSync.ParentAttribute);
    }

    private async Task<bool> StartAsync(LiveSession stream, DeviceSession session)
    {
        var transport = devices.Get(session.DeviceId)?.Device.Attributes.GetValueOrDefault(TransportAttribute)?.ToUpperInvariant() ?? options.MediaTransport;
        // TCP (or TCP-PASSIVE): the gateway listens and the device connects; TCP-ACTIVE: the gateway connects to the
        // port the device answers (RFC 4145 a=setup), for devices that cannot connect out through their firewall.
        var tcp = transport.StartsWith("TCP", StringComparison.Ordinal);
        var active = transport == "TCP-ACTIVE";
        var ssrc = Sdp.Ssrc(playback: false, options.EffectiveRealm, Interlocked.Increment(ref _ssrcSequence));
        var receiver = active ? null : MediaReceiver.Open(options, tcp, [session.Remote.Address], uint.Parse(ssrc, CultureInfo.InvariantCulture), stream.Channel, metrics, time);
        if (receiver is null && !active)
        {
            metrics.Stream("refused-no-media-port");
            logger.LogWarning("GB/T 28181: no free media port in {Min}–{Max} for channel {Channel}", options.MediaPortMin, options.MediaPortMax, stream.ChannelId);
            return false;
        }

        var invite = client.NewRequest("INVITE", session, user: stream.ChannelId);
        var host = options.EffectiveAddress;
        invite.Add("Contact", $"<sip:{options.ServerId}@{host}:{options.Port.ToString(CultureInfo.InvariantCulture)}>");
        // GB/T 28181-2016 §9.2.2.1 / Appendix I: Subject is "media sender ID:SSRC,receiver ID:0".
        invite.Add("Subject", $"{stream.ChannelId}:{ssrc},{options.ServerId}:0");
        invite.Add("Content-Type", "APPLICATION/SDP");
        invite.Body = System.Text.Encoding.ASCII.GetBytes(Sdp.PlayOffer(stream.ChannelId, host, receiver?.Port ?? 9, ssrc, tcp, active ? "active" : "passive"));
        metrics.Stream("invited");
        SipMessage? answer;
        try
        {
            answer = await client.SendAsync(invite, session, options.InviteTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            logger.LogWarning(ex, "GB/T 28181: INVITE of {Channel} failed", stream.ChannelId);
            answer = null;
        }

        if (answer?.StatusCode is not (>= 200 and < 300))
        {
            metrics.Stream(answer is null ? "failed-invite-timeout" : "refused-by-device");
            logger.LogWarning("GB/T 28181: channel {Channel} did not accept INVITE: {Answer}", stream.ChannelId, answer?.ToString() ?? "no answer");
            if (receiver is not null)
            {
                await receiver.DisposeAsync().ConfigureAwait(false);
            }

            return false;
        }

        var ack = client.NewRequest("ACK", session, invite.CallId, SipUri.Param(invite.Get("From"), "tag"), invite.CSeq!.Value.Number, stream.ChannelId);
        ack.Set("To", answer.Get("To") ?? invite.Get("To")!);
        await client.SendOnceAsync(ack, session).ConfigureAwait(false);

        // The device's answer: where it sends from (or, active, where to connect), and the SSRC it uses (its y= wins, Appendix F).
        var sdp = Sdp.Parse(answer.Body.Span);
        if (active)
        {
            if (MediaReceiver.ActiveTarget(sdp, session.Remote.Address) is not { } target)
            {
                metrics.Stream("refused-bad-answer");
                logger.LogWarning("GB/T 28181: channel {Channel} answered an active-TCP INVITE without a TCP port of its own address; ended", stream.ChannelId);
                var bye = client.NewRequest("BYE", session, invite.CallId, SipUri.Param(invite.Get("From"), "tag"), invite.CSeq!.Value.Number + 1, stream.ChannelId);
                bye.Set("To", answer.Get("To") ?? invite.Get("To")!);
                _ = client.SendAsync(bye, session, TimeSpan.FromSeconds(4));
                return false;
            }

            receiver = MediaReceiver.Connect(target, uint.Parse(ssrc, CultureInfo.InvariantCulture), stream.Channel, metrics, time);
        }

        if (sdp?.Ssrc is { } answered && uint.TryParse(answered, NumberStyles.None, CultureInfo.InvariantCulture, out var answeredSsrc))
        {
            receiver!.Expect(answeredSsrc);
        }
        lock (stream)
        {
            stream.Receiver = receiver!;
            stream.Session = session;
            stream.CallId = invite.CallId;
            stream.FromTag = SipUri.Param(invite.Get("From"), "tag");
            stream.To = answer.Get("To");
            stream.CSeq = invite.CSeq!.Value.Number;
            stream.Tcp = tcp;
        }

        metrics.Stream("answered");
        logger.LogInformation("GB/T 28181: live stream of {Channel} on port {Port} ({Transport}), SSRC {Ssrc}", stream.ChannelId, receiver!.Port, transport, sdp?.Ssrc ?? ssrc);
        if (tcp)
        {
            _ = receiver.Ended.ContinueWith(_ => EndAsync(stream, "tcp-closed", sendBye: true), TaskScheduler.Default);
        }

        return true;
    }

    private void Release(LiveSession stream)
    {
        long version;
        lock (stream)
        {
            stream.Readers--;
            if (stream.Readers > 0)
            {
                return;
            }

            version = ++stream.LingerVersion;
        }

        _ = LingerAsync(stream, version);
    }

    private async Task LingerAsync(LiveSession stream, long version)
    {
        await Task.Delay(options.StreamLinger, time).ConfigureAwait(false);
        lock (stream)
        {
            if (stream.Readers > 0 || stream.LingerVersion != version)
            {
                return; // Someone came back meanwhile.
            }
        }

        await EndAsync(stream, "idle", sendBye: true).ConfigureAwait(false);
    }

    private async Task EndAsync(LiveSession stream, string reason, bool sendBye)
    {
        MediaReceiver? receiver;
        DeviceSession? session;
        string? callId;
        lock (stream)
        {
            receiver = stream.Receiver;
            session = stream.Session;
            callId = stream.CallId;
            stream.Receiver = null;
            stream.CallId = null;
            stream.Starting = null;
            if (stream.Readers == 0)
            {
                _streams.TryRemove(new KeyValuePair<string, LiveSession>(stream.ChannelId, stream));
            }
        }

        if (receiver is null)
        {
            return;
        }

        stream.Channel.Complete();
        await receiver.DisposeAsync().ConfigureAwait(false);
        metrics.Stream("ended-" + reason);
        logger.LogInformation("GB/T 28181: live stream of {Channel} ended ({Reason}); {Packets} RTP packets, {Lost} lost", stream.ChannelId, reason, receiver.Rtp.Packets, receiver.Rtp.Lost);
        if (sendBye && session is not null && sessions.Get(session.DeviceId) is { } current)
        {
            var bye = client.NewRequest("BYE", current, callId, stream.FromTag, stream.CSeq + 1, stream.ChannelId);
            bye.Set("To", stream.To ?? bye.Get("To")!);
            var answer = await client.SendAsync(bye, current, TimeSpan.FromSeconds(4)).ConfigureAwait(false);
            metrics.Stream(answer?.StatusCode is >= 200 and < 300 ? "bye-answered" : "bye-unanswered");
        }
    }
}

/// <summary>One channel's stream: its readers, its INVITE dialog (RFC 3261 §12) and its receiver.</summary>
public sealed class LiveSession(string channelId, string parentId)
{
    public string ChannelId { get; } = channelId;

    public string ParentId { get; } = parentId;

    public LiveChannel Channel { get; } = new(channelId);

    internal int Readers { get; set; }

    internal long LingerVersion { get; set; }

    internal Task<bool>? Starting { get; set; }

    public MediaReceiver? Receiver { get; internal set; }

    internal DeviceSession? Session { get; set; }

    public string? CallId { get; internal set; }

    internal string? FromTag { get; set; }

    internal string? To { get; set; }

    internal long CSeq { get; set; }

    public bool Tcp { get; internal set; }
}
