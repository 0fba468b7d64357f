using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Gb28181.Live;
using SmartCommunity.Gb28181.Manscdp;
using SmartCommunity.Gb28181.Sip;

namespace SmartCommunity.Gateway.Gb28181.Playback;

/// <summary>One playback of a device's recording: its units (PS, as the live relay gives them) until the stream ends.</summary>
public sealed class PlaybackSession(string channelId, string parentId, LiveChannel channel, ChannelReader<byte[]> reader)
{
    public string ChannelId { get; } = channelId;

    public string ParentId { get; } = parentId;

    public LiveChannel Channel { get; } = channel;

    public ChannelReader<byte[]> Reader { get; } = reader;

    /// <summary>The playback's handle for control (seek, speed, pause): random, so one caller cannot guess another's.</summary>
    public string Id { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    /// <summary>Length of the range played, in seconds (a seek may not go beyond it).</summary>
    public long Seconds { get; init; }

    private long _mansRtspCSeq;

    /// <summary>The next CSeq inside MANSRTSP bodies (its own sequence, Appendix B).</summary>
    internal long NextMansRtspCSeq() => Interlocked.Increment(ref _mansRtspCSeq);

    /// <summary>The next SIP CSeq in the INVITE dialog (INFO, then BYE; RFC 3261 §12.2.1.1).</summary>
    internal long NextCSeq() => Interlocked.Increment(ref _cseq);

    private long _cseq;

    internal MediaReceiver? Receiver { get; set; }

    internal DeviceSession? Session { get; set; }

    internal string? CallId { get; set; }

    internal string? FromTag { get; set; }

    internal string? To { get; set; }

    internal long CSeq
    {
        get => Interlocked.Read(ref _cseq);
        set => Interlocked.Exchange(ref _cseq, value);
    }

    internal int Ended;
}

/// <summary>
/// Playback of recordings kept on the device (GB/T 28181-2016 §9.8 历史视音频回放): INVITE with <c>s=Playback</c>,
/// <c>u=</c> and <c>t=</c> (the range, Unix seconds) and a playback SSRC (first digit 1, Appendix F), then PS over RTP
/// as for live video, into one reader (a footage download). The stream ends when the device sends BYE, when it reports
/// the end of the file (<c>Notify</c>/<c>MediaStatus</c> NotifyType 121, A.2.5; the gateway then sends BYE), when no RTP
/// came for <see cref="Gb28181Options.MediaTimeout"/>, or when the reader leaves (BYE).
/// </summary>
public sealed class PlaybackStreams(Gb28181Options options, SipClient client, DeviceSessions sessions, DeviceRegistry devices, Gb28181Metrics metrics,
    TimeProvider time, ILogger<PlaybackStreams> logger)
{
    /// <summary>Playbacks at once (each holds a media port and a device's disk): more are refused as busy.</summary>
    public const int MaxConcurrent = 16;

    private readonly ConcurrentDictionary<PlaybackSession, byte> _running = new();
    private int _ssrcSequence;

    public int Count => _running.Count;

    /// <summary>Invites the playback; the session, or null with the reason (<c>busy</c>, <c>no-media-port</c>, <c>invite-timeout</c>, <c>refused-by-device</c>).</summary>
    public async Task<(PlaybackSession? Session, string? Failure)> StartAsync(DeviceSession session, string channelId, DateTimeOffset start, DateTimeOffset end)
    {
        if (_running.Count >= MaxConcurrent)
        {
            metrics.Stream("playback-refused-busy");
            return (null, "busy");
        }

        var transport = devices.Get(session.DeviceId)?.Device.Attributes.GetValueOrDefault(LiveStreams.TransportAttribute)?.ToUpperInvariant() ?? options.MediaTransport;
        // TCP (or TCP-PASSIVE): the gateway listens and the device connects; TCP-ACTIVE: the gateway connects to the device.
        var tcp = transport.StartsWith("TCP", StringComparison.Ordinal);
        var active = transport == "TCP-ACTIVE";
        var ssrc = Sdp.Ssrc(playback: true, options.EffectiveRealm, Interlocked.Increment(ref _ssrcSequence));
        var channel = new LiveChannel(channelId);
        var playback = new PlaybackSession(channelId, session.DeviceId, channel, channel.Attach()) { Seconds = (long)(end - start).TotalSeconds };
        var receiver = active ? null : MediaReceiver.Open(options, tcp, [session.Remote.Address], uint.Parse(ssrc, CultureInfo.InvariantCulture), channel, metrics, time);
        if (receiver is null && !active)
        {
            metrics.Stream("playback-refused-no-media-port");
            return (null, "no-media-port");
        }

        var invite = client.NewRequest("INVITE", session, user: channelId);
        var host = options.EffectiveAddress;
        invite.Add("Contact", $"<sip:{options.ServerId}@{host}:{options.Port.ToString(CultureInfo.InvariantCulture)}>");
        invite.Add("Subject", $"{channelId}:{ssrc},{options.ServerId}:0"); // §9.2.2.1 / Appendix I, as for live.
        invite.Add("Content-Type", "APPLICATION/SDP");
        invite.Body = System.Text.Encoding.ASCII.GetBytes(Sdp.PlaybackOffer(channelId, host, receiver?.Port ?? 9, ssrc, start.ToUnixTimeSeconds(), end.ToUnixTimeSeconds(), tcp,
            active ? "active" : "passive"));
        metrics.Stream("playback-invited");
        SipMessage? answer;
        try
        {
            answer = await client.SendAsync(invite, session, options.InviteTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            logger.LogWarning(ex, "GB/T 28181: playback INVITE of {Channel} failed", channelId);
            answer = null;
        }

        if (answer?.StatusCode is not (>= 200 and < 300))
        {
            var failure = answer is null ? "invite-timeout" : "refused-by-device";
            metrics.Stream("playback-" + failure);
            if (receiver is not null)
            {
                await receiver.DisposeAsync().ConfigureAwait(false);
            }

            return (null, failure);
        }

        var ack = client.NewRequest("ACK", session, invite.CallId, SipUri.Param(invite.Get("From"), "tag"), invite.CSeq!.Value.Number, channelId);
        ack.Set("To", answer.Get("To") ?? invite.Get("To")!);
        await client.SendOnceAsync(ack, session).ConfigureAwait(false);
        var sdp = Sdp.Parse(answer.Body.Span);
        if (active)
        {
            if (MediaReceiver.ActiveTarget(sdp, session.Remote.Address) is not { } target)
            {
                metrics.Stream("playback-refused-bad-answer");
                var bye = client.NewRequest("BYE", session, invite.CallId, SipUri.Param(invite.Get("From"), "tag"), invite.CSeq!.Value.Number + 1, channelId);
                bye.Set("To", answer.Get("To") ?? invite.Get("To")!);
                _ = client.SendAsync(bye, session, TimeSpan.FromSeconds(4));
                return (null, "refused-by-device");
            }

            receiver = MediaReceiver.Connect(target, uint.Parse(ssrc, CultureInfo.InvariantCulture), channel, metrics, time);
        }

        if (sdp?.Ssrc is { } answered && uint.TryParse(answered, NumberStyles.None, CultureInfo.InvariantCulture, out var answeredSsrc))
        {
            receiver!.Expect(answeredSsrc); // The device's y= wins (Appendix F).
        }
        playback.Receiver = receiver!;
        playback.Session = session;
        playback.CallId = invite.CallId;
        playback.FromTag = SipUri.Param(invite.Get("From"), "tag");
        playback.To = answer.Get("To");
        playback.CSeq = invite.CSeq!.Value.Number;
        _running[playback] = 0;
        metrics.Stream("playback-answered");
        logger.LogInformation("GB/T 28181: playback of {Channel} from {Start:o} to {End:o} over {Transport} on port {Port}", channelId, start, end, transport, receiver!.Port);
        if (tcp)
        {
            _ = receiver.Ended.ContinueWith(_ => EndAsync(playback, "tcp-closed", sendBye: true), TaskScheduler.Default);
        }

        return (playback, null);
    }

    /// <summary>A running playback by its <see cref="PlaybackSession.Id"/>, or null.</summary>
    public PlaybackSession? Find(string id) => _running.Keys.FirstOrDefault(p => p.Id == id);

    /// <summary>
    /// Sends a MANSRTSP body (seek, speed, pause, resume; GB/T 28181-2016 §9.8.2, Appendix B) to the device in the
    /// playback's dialog as INFO; the device's status code, or null when it did not answer.
    /// </summary>
    public async Task<int?> ControlAsync(PlaybackSession playback, Func<long, byte[]> body)
    {
        if (playback.Ended != 0 || playback.Session is not { } session || sessions.Get(session.DeviceId) is not { } current)
        {
            return null;
        }

        var info = client.NewRequest("INFO", current, playback.CallId, playback.FromTag, playback.NextCSeq(), playback.ChannelId);
        info.Set("To", playback.To ?? info.Get("To")!);
        info.Add("Content-Type", "Application/MANSRTSP");
        info.Body = body(playback.NextMansRtspCSeq());
        SipMessage? answer;
        try
        {
            answer = await client.SendAsync(info, current, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            logger.LogWarning(ex, "GB/T 28181: playback control of {Channel} failed", playback.ChannelId);
            answer = null;
        }

        metrics.Stream(answer?.StatusCode is >= 200 and < 300 ? "playback-control-answered" : answer is null ? "playback-control-unanswered" : "playback-control-refused");
        return answer?.StatusCode;
    }

    /// <summary>A BYE from the device: its playback with that Call-ID ends; false when none has it.</summary>
    public bool OnBye(string? callId)
    {
        var playback = _running.Keys.FirstOrDefault(p => p.CallId is not null && p.CallId == callId);
        if (playback is null)
        {
            return false;
        }

        _ = EndAsync(playback, "bye-received", sendBye: false);
        return true;
    }

    /// <summary>
    /// <c>Notify</c>/<c>MediaStatus</c> from a registered device (GB/T 28181-2016 §9.8.3, A.2.5): NotifyType 121 says a
    /// playback or download reached the end of the file; the gateway ends that channel's playback with BYE.
    /// </summary>
    public void OnMediaStatus(ManscdpMessage notify, string senderId)
    {
        if (notify.Field("NotifyType") != "121")
        {
            metrics.Refused("mediastatus-unknown-type");
            return;
        }

        var ended = false;
        foreach (var playback in _running.Keys.Where(p => p.ParentId == senderId && (p.ChannelId == notify.DeviceId || p.ParentId == notify.DeviceId)))
        {
            ended = true;
            _ = EndAsync(playback, "file-end", sendBye: true);
        }

        if (!ended)
        {
            metrics.Refused("mediastatus-no-playback");
        }
    }

    /// <summary>Ends playbacks that brought no RTP for <see cref="Gb28181Options.MediaTimeout"/> (the server's timer calls this).</summary>
    public void Tick()
    {
        var now = time.GetUtcNow();
        foreach (var playback in _running.Keys)
        {
            if (playback.Receiver is { } receiver)
            {
                receiver.Publish();
                if (now - (receiver.LastPacket ?? receiver.Opened) > options.MediaTimeout)
                {
                    _ = EndAsync(playback, "media-timeout", sendBye: true);
                }
            }
        }
    }

    /// <summary>The parent went offline: its playbacks end without BYE.</summary>
    public void ParentOffline(string parentId)
    {
        foreach (var playback in _running.Keys.Where(p => p.ParentId == parentId))
        {
            _ = EndAsync(playback, "parent-offline", sendBye: false);
        }
    }

    public Task StopAllAsync() => Task.WhenAll(_running.Keys.Select(p => EndAsync(p, "gateway-stopping", sendBye: true)));

    /// <summary>Ends a playback once (its reader completes); with <paramref name="sendBye"/> the device is told.</summary>
    public async Task EndAsync(PlaybackSession playback, string reason, bool sendBye)
    {
        if (Interlocked.Exchange(ref playback.Ended, 1) != 0)
        {
            return;
        }

        _running.TryRemove(playback, out _);
        playback.Channel.Complete();
        if (playback.Receiver is { } receiver)
        {
            await receiver.DisposeAsync().ConfigureAwait(false);
            logger.LogInformation("GB/T 28181: playback of {Channel} ended ({Reason}); {Packets} RTP packets, {Lost} lost", playback.ChannelId, reason, receiver.Rtp.Packets, receiver.Rtp.Lost);
        }

        metrics.Stream("playback-ended-" + reason);
        if (sendBye && playback.Session is { } session && sessions.Get(session.DeviceId) is { } current)
        {
            var bye = client.NewRequest("BYE", current, playback.CallId, playback.FromTag, playback.NextCSeq(), playback.ChannelId);
            bye.Set("To", playback.To ?? bye.Get("To")!);
            var answer = await client.SendAsync(bye, current, TimeSpan.FromSeconds(4)).ConfigureAwait(false);
            metrics.Stream(answer?.StatusCode is >= 200 and < 300 ? "playback-bye-answered" : "playback-bye-unanswered");
        }
    }
}
