using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Video;
using System.Xml.Linq;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.Video.Recording;
using SmartCommunity.Gb28181.Manscdp;
using SmartCommunity.Gb28181.Media;
using SmartCommunity.Media.Live;
using SmartCommunity.Media.Running;
using SmartCommunity.Gb28181.Sip;
using SmartCommunity.Protocol.Identity;

namespace SmartCommunity.Gateway.Gb28181.Cascade;

/// <summary>
/// Live video upward (级联, GB/T 28181-2016 §9.2.2.1 with the gateway as media sender): the superior INVITEs one of the
/// cameras the catalog gave it (request URI or Subject names the channel), its SDP saying where to send (<c>c=</c>,
/// <c>m=</c>), how (<c>RTP/AVP</c> over UDP, or <c>TCP/RTP/AVP</c> with the superior listening, <c>a=setup:passive</c>)
/// and which SSRC (<c>y=</c>). The gateway answers 200 with its own SDP (<c>a=sendonly</c>), resends it until the ACK
/// (RFC 3261 §13.3.1.4), then reads the camera as live view does, copies its video into an MPEG-2 PS and sends it as RTP
/// (<see cref="SmartCommunity.Gb28181.Media.PsRtpPacketizer"/>, RFC 4571 framing over TCP), until the superior's BYE; when the camera's stream ends
/// first, the gateway sends BYE. Refused, each counted <c>cascade-invite-…</c>: a body that is not such an SDP (400), a
/// channel that is not a GB/T 28181 camera of the community (404), a superior asking the gateway to listen
/// (<c>a=setup:active</c>) (488, not implemented), more than <see cref="UpstreamOptions.MaxStreams"/> at once (486).
/// Recorded footage is played (<c>s=Playback</c>, §9.8) or downloaded (<c>s=Download</c>, §9.9, at
/// <c>a=downloadspeed</c> times real time) from the gateway's own segments, and can be controlled (<see cref="HandleInfoAsync"/>).
/// </summary>
public sealed class UpstreamMedia(Gb28181Options options, ICameraCatalog cameras, IOptions<VideoOptions> video, UpstreamPlatform platform, SegmentIndex index,
    VideoPaths paths, Gb28181Metrics metrics, TimeProvider time, ILogger<UpstreamMedia> logger)
{
    /// <summary>The fastest download (ffmpeg copies faster than this on one core; the superior's link is the limit).</summary>
    public const int MaxDownloadSpeed = 16;

    private static readonly long FirstSecond = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
    private static readonly long LastSecond = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    private readonly ConcurrentDictionary<string, UpwardFeed> _streams = new(StringComparer.Ordinal);
    private int _gauges;

    /// <summary>The streams being sent now (status and tests).</summary>
    public int Count => _streams.Count;

    /// <summary>An INVITE from the superior (the caller checked its ID and address).</summary>
    public async Task HandleInviteAsync(SipMessage invite, SipPeer peer)
    {
        if (Interlocked.Exchange(ref _gauges, 1) == 0)
        {
            metrics.Gauge("sc_gb28181_upstream_streams", "Live streams the gateway is sending to its superior GB/T 28181 platform now.", () => _streams.Count);
        }

        var callId = invite.CallId ?? "";
        if (_streams.TryGetValue(callId, out var existing))
        {
            metrics.Refused("retransmission-absorbed"); // The superior did not hear the 200 yet (RFC 3261 §17.2.1).
            await peer.SendAsync(existing.Answer).ConfigureAwait(false);
            return;
        }

        var (refusal, status) = Check(invite, out var channelId, out var camera, out var sdp, out var ssrc);
        var range = refusal is null && sdp!.SessionName != "Play" ? (sdp.Time!.Value.Start * 1000, sdp.Time.Value.End * 1000) : ((long, long)?)null;
        if (range is { } r && Footage(camera!, r.Item1, r.Item2) is null)
        {
            (refusal, status) = ("no-footage", 404);
        }

        if (refusal is not null)
        {
            metrics.Refused("cascade-invite-" + refusal);
            logger.LogWarning("GB/T 28181: the superior's INVITE for {Channel} refused: {Reason}", channelId ?? "(none)", refusal);
            await peer.SendAsync(SipMessage.ResponseTo(invite, status, Reason(status) + ": " + refusal, RandomHex(6))).ConfigureAwait(false);
            return;
        }

        var tcp = sdp!.Transport.StartsWith("TCP", StringComparison.Ordinal);
        var target = new IPEndPoint(IPAddress.Parse(sdp.Address), sdp.Port);
        var udp = tcp ? null : new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        udp?.Bind(new IPEndPoint(target.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
        var localPort = (udp?.LocalEndPoint as IPEndPoint)?.Port ?? 9; // TCP: the gateway connects, its port is the discard port (RFC 4145 §4.1).
        var answer = SipMessage.ResponseTo(invite, 200, "OK", RandomHex(6));
        answer.Add("Contact", $"<sip:{options.ServerId}@{options.EffectiveAddress}:{options.Port.ToString(CultureInfo.InvariantCulture)}>");
        answer.Add("Content-Type", "APPLICATION/SDP");
        answer.Body = Encoding.ASCII.GetBytes(Sdp.SendAnswer(channelId!, sdp.SessionName, options.EffectiveAddress, localPort, sdp.Ssrc!, tcp));
        var stream = new UpwardFeed(callId, channelId!, camera!, invite, answer, peer, target, udp, ssrc, range, DownloadSpeed(sdp) ?? 1, time);
        if (!_streams.TryAdd(callId, stream))
        {
            udp?.Dispose();
            return;
        }

        metrics.Cascade("invite-answered");
        await peer.SendAsync(answer).ConfigureAwait(false);
        stream.Run = Task.Run(() => RunAsync(stream));
    }

    /// <summary>The superior's ACK of an answered INVITE: sending begins. False when no such stream.</summary>
    public bool OnAck(string? callId) => callId is not null && _streams.TryGetValue(callId, out var stream) && stream.Acked.TrySetResult();

    /// <summary>The superior's BYE: sending stops. False when no stream has this Call-ID.</summary>
    public bool OnBye(string? callId)
    {
        if (callId is null || !_streams.TryGetValue(callId, out var stream))
        {
            return false;
        }

        stream.ByeReceived = true;
        stream.Stop.Cancel();
        return true;
    }

    public async Task StopAllAsync()
    {
        foreach (var stream in _streams.Values)
        {
            await stream.Stop.CancelAsync().ConfigureAwait(false);
            await (stream.Run ?? Task.CompletedTask).ConfigureAwait(false);
        }
    }

    private (string? Refusal, int Status) Check(SipMessage invite, out string? channelId, out Camera? camera, out SdpMedia? sdp, out uint ssrc)
    {
        // The channel: the request URI's user (§9.2.2.1), or the Subject's first part ("sender:SSRC,receiver:0", Appendix I).
        channelId = SipUri.UserOf("<" + invite.RequestUri + ">");
        var subject = invite.Get("Subject")?.Split(',')[0].Split(':')[0];
        if (channelId is null || (channelId == options.ServerId && subject is not null))
        {
            channelId = subject;
        }

        camera = channelId is null ? null : cameras.Find(channelId);
        sdp = Sdp.Parse(invite.Body.Span);
        ssrc = 0;
        if (sdp is null || sdp.Ssrc is null || !uint.TryParse(sdp.Ssrc, NumberStyles.None, CultureInfo.InvariantCulture, out ssrc) || !IPAddress.TryParse(sdp.Address, out _))
        {
            return ("bad-sdp", 400);
        }

        if (camera is null || !Gb28181Id.TryParse(camera.Id, out var code, out _) || !code.CarriesVideo)
        {
            return ("unknown-channel", 404);
        }

        if (sdp.SessionName is not ("Play" or "Playback" or "Download"))
        {
            return ("session-not-supported", 488);
        }

        if (sdp.SessionName == "Download" && DownloadSpeed(sdp) is null)
        {
            return ("bad-download-speed", 400);
        }

        // t= in seconds since 1970, years 2000–2099 as MANSCDP times are read (RecordInfoCollector.TryParseTime): a
        // hostile start near long.MaxValue would overflow the milliseconds the segment index is asked in.
        if (sdp.SessionName != "Play" && (sdp.Time is not { } t || t.Start < FirstSecond || t.End > LastSecond || t.End <= t.Start
            || TimeSpan.FromSeconds(t.End - t.Start) > options.MaxPlaybackSpan))
        {
            return ("bad-time-range", 400);
        }

        if (sdp.Transport is not ("RTP/AVP" or "TCP/RTP/AVP") || (sdp.Transport == "TCP/RTP/AVP" && sdp.Setup is not (null or "passive")))
        {
            return ("transport-not-supported", 488);
        }

        return _streams.Count >= options.Upstream.MaxStreams ? ("busy", 486) : (null, 200);
    }

    /// <summary>
    /// A download's speed (§9.9, <c>a=downloadspeed:</c>, a whole multiple of real time): 1 when absent, 1 to
    /// <see cref="MaxDownloadSpeed"/> as asked, null when not such a number. A playback's is 1.
    /// </summary>
    private static double? DownloadSpeed(SdpMedia sdp) =>
        sdp.SessionName != "Download" || sdp.DownloadSpeed is null ? 1
        : int.TryParse(sdp.DownloadSpeed, NumberStyles.None, CultureInfo.InvariantCulture, out var speed) && speed is >= 1 and <= MaxDownloadSpeed ? speed : null;

    /// <summary>The recorded segments of the camera between two instants (Unix ms), or null when it has none there.</summary>
    private PlaybackRange? Footage(Camera camera, long fromMs, long toMs)
    {
        var segments = fromMs >= toMs ? [] : paths.OnDisk(index.Range(camera.Id, fromMs, toMs));
        if (segments.Count == 0)
        {
            return null;
        }

        // Into the first segment and the last, as the concat demuxer's inpoint and outpoint take them.
        var inpoint = TimeSpan.FromMilliseconds(Math.Max(0, fromMs - segments[0].Segment.StartMs));
        var outpoint = TimeSpan.FromMilliseconds(Math.Min(toMs, segments[^1].Segment.EndMs) - segments[^1].Segment.StartMs);
        return new PlaybackRange([.. segments.Select(s => s.File)], inpoint, outpoint);
    }

    /// <summary>
    /// The superior's INFO in the dialog of a playback it asked for (§9.8.2, MANSRTSP, Appendix B): PAUSE, PLAY (resume,
    /// seek with <c>Range: npt=</c>, speed with <c>Scale</c>) or TEARDOWN; 200 once applied. Refused, each counted
    /// <c>cascade-control-…</c>: no such dialog (481), a live stream, which has nothing to control (488), a body that is
    /// not such a control (400).
    /// </summary>
    public async Task HandleInfoAsync(SipMessage info, SipPeer peer)
    {
        var stream = info.CallId is { } callId ? _streams.GetValueOrDefault(callId) : null;
        var reason = "";
        var control = stream?.Cursor is null ? null : MansRtsp.Parse(info.Body.Span, out reason);
        var (refusal, status) = stream is null ? ("unknown-dialog", 481) : stream.Cursor is null ? ("live", 488) : control is null ? (reason, 400) : ((string?)null, 200);
        if (refusal is not null)
        {
            metrics.Refused("cascade-control-" + refusal);
            await peer.SendAsync(SipMessage.ResponseTo(info, status, (status == 481 ? "Call/Transaction Does Not Exist" : Reason(status)) + ": " + refusal)).ConfigureAwait(false);
            return;
        }

        switch (control!.Method)
        {
            case "PAUSE":
                stream!.Cursor!.Pause();
                break;
            case "PLAY":
                stream!.Cursor!.Play(control.StartSeconds, control.Scale);
                break;
            default:
                await stream!.Stop.CancelAsync().ConfigureAwait(false); // TEARDOWN: ended as by the gateway, which says BYE.
                break;
        }

        metrics.Cascade("control-" + control.Method.ToLowerInvariant());
        logger.LogInformation("GB/T 28181: the superior's {Method} for the playback of {Channel}: at {Position}, speed {Scale}", control.Method, stream.ChannelId,
            stream.Cursor!.Position, stream.Cursor.Scale);
        await peer.SendAsync(SipMessage.ResponseTo(info, 200, "OK")).ConfigureAwait(false);
    }

    /// <summary>Plays the footage from the cursor until its end; a control restarts ffmpeg from the new position and speed, or waits while paused.</summary>
    private async Task<UpstreamSender.Result> PlayFootageAsync(UpwardFeed stream)
    {
        var cursor = stream.Cursor!;
        while (true)
        {
            var changed = cursor.Changed;
            using var run = CancellationTokenSource.CreateLinkedTokenSource(stream.Stop.Token, changed);
            try
            {
                if (cursor.Paused)
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, time, run.Token).ConfigureAwait(false);
                }

                var from = stream.Range!.Value.StartMs + (long)cursor.Position.TotalMilliseconds;
                if (Footage(stream.Camera, from, stream.Range.Value.EndMs) is not { } footage)
                {
                    return new UpstreamSender.Result(stream.Packetizer.Packets, null); // Sought to the end, or nothing recorded after it.
                }

                return await UpstreamSender.SendAsync(ProgramStreamArguments.Playback(video.Value.FfmpegPath, footage.Files, footage.Inpoint, footage.Outpoint, cursor.Scale),
                    stream, metrics, logger, run.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (changed.IsCancellationRequested && !stream.Stop.IsCancellationRequested)
            {
                // A control changed the state: again from the new one.
            }
        }
    }

    private async Task RunAsync(UpwardFeed stream)
    {
        var reason = "source-ended";
        try
        {
            // The 200 is resent at T1, 2·T1, … until the ACK, for at most 64·T1 (RFC 3261 §13.3.1.4, T1 = 500 ms).
            var wait = TimeSpan.FromMilliseconds(500);
            var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(32);
            while (!stream.Acked.Task.IsCompleted)
            {
                if (time.GetUtcNow() >= deadline)
                {
                    reason = "no-ack";
                    return;
                }

                await Task.WhenAny(stream.Acked.Task, Task.Delay(wait, time, stream.Stop.Token)).ConfigureAwait(false);
                if (!stream.Acked.Task.IsCompleted)
                {
                    await stream.Peer.SendAsync(stream.Answer).ConfigureAwait(false);
                    wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(4).Ticks));
                }
            }

            logger.LogInformation("GB/T 28181: sending camera {Channel} to the superior at {Target} ({Transport}), SSRC {Ssrc}", stream.ChannelId, stream.Target,
                stream.Udp is null ? "TCP" : "UDP", stream.Ssrc);
            var sent = await UpstreamSender.ConnectAsync(stream, metrics, stream.Stop.Token).ConfigureAwait(false)
                ?? (stream.Cursor is null
                    ? await UpstreamSender.SendAsync(ProgramStreamArguments.Build(video.Value.FfmpegPath, StreamAddress.Source(stream.Camera.Streams.MainUrl, stream.Camera.Streams)),
                        stream, metrics, logger, stream.Stop.Token).ConfigureAwait(false)
                    : await PlayFootageAsync(stream).ConfigureAwait(false));
            reason = sent.Error is null ? "source-ended" : "failed";
            if (stream.Cursor is not null && sent.Error is null)
            {
                // The end of the footage (A.2.5 MediaStatus, NotifyType 121); the superior is expected to BYE, else the gateway does after 10 s.
                reason = "file-end";
                var notify = ManscdpBodies.Serialize(new XElement("Notify", new XElement("CmdType", "MediaStatus"), new XElement("SN", Random.Shared.Next(1, int.MaxValue)),
                    new XElement("DeviceID", stream.ChannelId), new XElement("NotifyType", 121)));
                var answered = await platform.SendMessageAsync(notify, stream.Stop.Token).ConfigureAwait(false);
                metrics.Cascade(answered?.StatusCode is >= 200 and < 300 ? "mediastatus-sent" : "mediastatus-unanswered");
                await Task.Delay(TimeSpan.FromSeconds(10), time, stream.Stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            reason = stream.ByeReceived ? "bye-received" : "stopping";
        }
        finally
        {
            stream.Udp?.Dispose();
            stream.Tcp?.Dispose();
            _streams.TryRemove(stream.CallId, out _);
            stream.Cursor?.Dispose();
            metrics.Cascade("media-ended-" + reason);
            logger.LogInformation("GB/T 28181: camera {Channel} to the superior ended ({Reason})", stream.ChannelId, reason);
            if (!stream.ByeReceived && reason != "no-ack")
            {
                await ByeAsync(stream).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Ends the dialog from the gateway's side (RFC 3261 §15.1.1): the camera stopped, or the gateway is stopping.</summary>
    private async Task ByeAsync(UpwardFeed stream)
    {
        try
        {
            var invite = stream.Invite;
            var bye = SipMessage.Request("BYE", SipUri.UserOf(invite.Get("Contact")) is { } user && SipUri.HostOf(invite.Get("Contact")) is { } host
                ? $"sip:{user}@{host}" : $"sip:{invite.FromUser}@{stream.Peer.Remote}");
            bye.Add("Via", $"SIP/2.0/{stream.Peer.Transport} {options.EffectiveAddress}:{options.Port.ToString(CultureInfo.InvariantCulture)};rport;branch=z9hG4bK{RandomHex(8)}");
            bye.Add("From", stream.Answer.Get("To")!);
            bye.Add("To", invite.Get("From")!);
            bye.Add("Call-ID", stream.CallId);
            bye.Add("CSeq", "1 BYE");
            bye.Add("Max-Forwards", "70");
            await stream.Peer.SendAsync(bye).ConfigureAwait(false);
            metrics.Cascade("bye-sent");
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            logger.LogWarning(ex, "GB/T 28181: BYE to the superior for {Channel} could not be sent", stream.ChannelId);
        }
    }

    private static string Reason(int status) => status switch
    {
        400 => "Bad Request",
        404 => "Not Found",
        486 => "Busy Here",
        _ => "Not Acceptable Here",
    };

    private static string RandomHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
