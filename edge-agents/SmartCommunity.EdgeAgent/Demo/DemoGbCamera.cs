using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SmartCommunity.Gb28181.Manscdp;
using SmartCommunity.Gb28181.Media;
using SmartCommunity.Gb28181.Sip;
using SmartCommunity.Media.Input;
using SmartCommunity.Media.Live;
using SmartCommunity.Media.Running;

namespace SmartCommunity.EdgeAgent.Demo;

/// <summary>The demo's camera that speaks GB/T 28181 instead of RTSP (<c>Demo:Gb28181</c>; off while <see cref="GatewayPort"/> is 0).</summary>
public sealed class DemoGb28181Options
{
    /// <summary>The gateway's SIP port on 127.0.0.1 (run.sh's <c>--sip-port</c>); 0: no GB/T 28181 camera.</summary>
    public int GatewayPort { get; set; }

    /// <summary>The gateway's SIP ID and domain (its <c>Gb28181:ServerId</c> and realm).</summary>
    public string ServerId { get; set; } = "34020000002000000001";

    public string Realm { get; set; } = "3402000000";

    /// <summary>The registering device (a seed device of kind camera: its secret is the SIP password) and its one channel.</summary>
    public string Device { get; set; } = "";

    public string Channel { get; set; } = "";

    public string ChannelName { get; set; } = "";

    /// <summary>The seed camera whose rendered clip the channel shows.</summary>
    public string ClipOf { get; set; } = "";
}

/// <summary>
/// A GB/T 28181 NVR with one channel, as a 雪亮 site would have: it REGISTERs with the gateway through the digest
/// challenge (§9.1.2.1), keeps alive every 20 s (§9.6), re-registers before Expires, answers the Catalog query with its
/// channel (§9.5.1), and answers the gateway's live INVITE (§9.2.2.1) by sending the channel's clip as PS over RTP — over
/// UDP, or over TCP to the port the gateway listens on — from the ACK until the BYE, with the same ffmpeg module and
/// packetizer the gateway uses to send video upward. UDP signalling only; a request it does not serve is answered 405.
/// </summary>
public sealed class DemoGbCamera(DemoPlan plan, DemoGb28181Options options, ILogger<DemoGbCamera> logger) : BackgroundService
{
    private static readonly TimeSpan Keepalive = TimeSpan.FromSeconds(20);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<SipMessage>> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Feed> _feeds = new(StringComparer.Ordinal);
    private readonly string _callId = Hex(12) + "@127.0.0.1";
    private readonly string _fromTag = Hex(6);
    private readonly IPEndPoint _gateway = new(IPAddress.Loopback, options.GatewayPort);
    private UdpClient? _udp;
    private long _cseq;
    private long _sn;

    private int LocalPort => ((IPEndPoint)_udp!.Client.LocalEndPoint!).Port;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var password = DemoSeed.Text(DemoSeed.Get(plan.Seed.Devices, options.Device, "device"), "secret");
        var clip = plan.Cameras.FirstOrDefault(c => c.Id == options.ClipOf)?.Clip ?? throw new InvalidDataException($"Demo:Gb28181:ClipOf names no seed camera: '{options.ClipOf}'.");
        using var udp = _udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var receiving = Task.Run(() => ReceiveAsync(clip, stoppingToken), CancellationToken.None);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var granted = await RegisterAsync(password, 3_600, stoppingToken);
                if (granted is not { } seconds)
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
                    continue;
                }

                logger.LogInformation("Demo GB/T 28181 camera {Device} registered with the gateway for {Seconds} s", options.Device, seconds);
                var renewAt = DateTime.UtcNow.AddSeconds(seconds * 0.8);
                while (DateTime.UtcNow < renewAt)
                {
                    var body = ManscdpBodies.Serialize(new XElement("Notify", new XElement("CmdType", "Keepalive"), new XElement("SN", Interlocked.Increment(ref _sn)),
                        new XElement("DeviceID", options.Device), new XElement("Status", "OK")));
                    if (await SendAsync(Request("MESSAGE", options.ServerId, body), stoppingToken) is not { StatusCode: 200 })
                    {
                        break; // The gateway forgot us (restarted): register again.
                    }

                    await Task.Delay(Keepalive, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            foreach (var feed in _feeds.Values)
            {
                await feed.Stop.CancelAsync();
            }

            // Expires: 0, as a device switched off cleanly. At most 2 s: when the gateway stopped first (run.sh stops
            // both at once) nobody answers, and retransmitting for 8 s held up the agent's exit.
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await RegisterAsync(password, 0, limit.Token);
            }
            catch (OperationCanceledException)
            {
                logger.LogInformation("Demo GB/T 28181 camera {Device}: no answer to its unregistration within 2 s", options.Device);
            }
            await receiving;
        }
    }

    /// <summary>REGISTER, answered once with the digest; the granted seconds, or null.</summary>
    private async Task<long?> RegisterAsync(string password, long expires, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(Register(expires, null), cancellationToken);
        if (answer?.StatusCode == 401 && DigestChallenge.Parse(answer.Get("WWW-Authenticate")) is { } challenge)
        {
            answer = await SendAsync(Register(expires, challenge.Authorization(options.Device, password, "REGISTER", $"sip:{options.ServerId}@{options.Realm}", Hex(8))), cancellationToken);
        }

        if (answer?.StatusCode != 200)
        {
            logger.LogWarning("Demo GB/T 28181 camera {Device}: REGISTER answered {Answer}", options.Device, answer?.ToString() ?? "nothing");
            return null;
        }

        return long.TryParse(answer.Get("Expires"), NumberStyles.None, CultureInfo.InvariantCulture, out var granted) && granted > 0 ? granted : expires;
    }

    private SipMessage Register(long expires, string? authorization)
    {
        var request = Request("REGISTER", options.Device, null);
        request.Add("Expires", expires.ToString(CultureInfo.InvariantCulture));
        if (authorization is not null)
        {
            request.Add("Authorization", authorization);
        }

        return request;
    }

    private SipMessage Request(string method, string to, byte[]? body)
    {
        var request = SipMessage.Request(method, $"sip:{options.ServerId}@{options.Realm}");
        request.Add("Via", $"SIP/2.0/UDP 127.0.0.1:{LocalPort.ToString(CultureInfo.InvariantCulture)};rport;branch=z9hG4bK{Hex(8)}");
        request.Add("From", $"<sip:{options.Device}@{options.Realm}>;tag={_fromTag}");
        request.Add("To", $"<sip:{to}@{options.Realm}>");
        request.Add("Call-ID", _callId);
        request.Add("CSeq", $"{Interlocked.Increment(ref _cseq).ToString(CultureInfo.InvariantCulture)} {method}");
        request.Add("Contact", $"<sip:{options.Device}@127.0.0.1:{LocalPort.ToString(CultureInfo.InvariantCulture)}>");
        request.Add("Max-Forwards", "70");
        request.Add("User-Agent", "SmartCommunity demo NVR");
        if (body is not null)
        {
            request.Add("Content-Type", "Application/MANSCDP+xml");
            request.Body = body;
        }

        return request;
    }

    /// <summary>Sends a request, again every 500 ms (RFC 3261 §17.1.2.2, UDP), until a final answer or 8 s.</summary>
    private async Task<SipMessage?> SendAsync(SipMessage request, CancellationToken cancellationToken)
    {
        var branch = SipUri.Param(request.Get("Via"), "branch")!;
        var answered = _pending[branch] = new TaskCompletionSource<SipMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            var bytes = request.ToBytes();
            for (var attempt = 0; attempt < 16 && !cancellationToken.IsCancellationRequested; attempt++)
            {
                await _udp!.SendAsync(bytes, _gateway, cancellationToken);
                if (await Task.WhenAny(answered.Task, Task.Delay(500, cancellationToken)) == answered.Task)
                {
                    return await answered.Task;
                }
            }

            return null;
        }
        finally
        {
            _pending.TryRemove(branch, out _);
        }
    }

    private async Task ReceiveAsync(string clip, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            UdpReceiveResult datagram;
            try
            {
                datagram = await _udp!.ReceiveAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (SipParser.ParseDatagram(datagram.Buffer, SipLimits.Default) is not { Status: SipParseStatus.Complete, Message: { } message })
            {
                continue;
            }

            if (!message.IsRequest)
            {
                if (message.StatusCode >= 200 && SipUri.Param(message.Get("Via"), "branch") is { } branch && _pending.TryGetValue(branch, out var waiting))
                {
                    waiting.TrySetResult(message);
                }

                continue;
            }

            // Not awaited: answering a Catalog query waits for the gateway's answer, which this loop must receive.
            _ = HandleSafelyAsync(message, datagram.RemoteEndPoint, clip, stoppingToken);
        }
    }

    private async Task HandleSafelyAsync(SipMessage request, IPEndPoint from, string clip, CancellationToken stoppingToken)
    {
        try
        {
            await HandleAsync(request, from, clip, stoppingToken);
        }
        catch (Exception ex) when (ex is SocketException or IOException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
            if (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Demo GB/T 28181 camera: {Request} failed", request);
            }
        }
    }

    private async Task HandleAsync(SipMessage request, IPEndPoint from, string clip, CancellationToken stoppingToken)
    {
        Task Answer(SipMessage response) => _udp!.SendAsync(response.ToBytes(), from, stoppingToken).AsTask();
        switch (request.Method)
        {
            case "MESSAGE":
                await Answer(SipMessage.ResponseTo(request, 200, "OK", Hex(6)));
                if (ManscdpMessage.Parse(request.Body.Span, out _) is { Kind: "Query", CmdType: "Catalog" } query)
                {
                    var item = new XElement("Item", new XElement("DeviceID", options.Channel), new XElement("Name", options.ChannelName), new XElement("Manufacturer", "SmartCommunity"),
                        new XElement("Model", "Demo IPC"), new XElement("Owner", "SmartCommunity"), new XElement("CivilCode", options.Channel[..6]), new XElement("Address", "demo"),
                        new XElement("Parental", 0), new XElement("ParentID", options.Device), new XElement("SafetyWay", 0), new XElement("RegisterWay", 1),
                        new XElement("Secrecy", 0), new XElement("Status", "ON"));
                    var body = ManscdpBodies.Serialize(new XElement("Response", new XElement("CmdType", "Catalog"), new XElement("SN", query.Sn), new XElement("DeviceID", options.Device),
                        new XElement("SumNum", 1), new XElement("DeviceList", new XAttribute("Num", 1), item)));
                    await SendAsync(Request("MESSAGE", options.ServerId, body), stoppingToken);
                }

                break;
            case "INVITE" when _feeds.TryGetValue(request.CallId ?? "", out var again):
                await Answer(again.Answer); // A retransmitted INVITE: the same 200.
                break;
            case "INVITE":
                await InviteAsync(request, Answer, clip);
                break;
            case "ACK" when _feeds.TryGetValue(request.CallId ?? "", out var acked) && acked.Run is null:
                acked.Run = Task.Run(() => SendVideoAsync(acked), CancellationToken.None);
                break;
            case "ACK":
                break;
            case "BYE":
                var known = _feeds.TryRemove(request.CallId ?? "", out var ended);
                if (ended is not null)
                {
                    await ended.Stop.CancelAsync();
                }

                await Answer(known ? SipMessage.ResponseTo(request, 200, "OK") : SipMessage.ResponseTo(request, 481, "Call/Transaction Does Not Exist"));
                break;
            default:
                await Answer(SipMessage.ResponseTo(request, 405, "Method Not Allowed"));
                break;
        }
    }

    private async Task InviteAsync(SipMessage invite, Func<SipMessage, Task> answer, string clip)
    {
        var sdp = Sdp.Parse(invite.Body.Span);
        var tcp = sdp?.Transport == "TCP/RTP/AVP";
        if (sdp is null || !uint.TryParse(sdp.Ssrc, NumberStyles.None, CultureInfo.InvariantCulture, out var ssrc) || !IPAddress.TryParse(sdp.Address, out var address)
            || (tcp && sdp.Setup is not (null or "passive")))
        {
            await answer(SipMessage.ResponseTo(invite, 488, "Not Acceptable Here", Hex(6))); // Only UDP, or TCP to a gateway that listens.
            return;
        }

        var udp = tcp ? null : new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp?.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var ok = SipMessage.ResponseTo(invite, 200, "OK", Hex(6));
        ok.Add("Contact", $"<sip:{options.Channel}@127.0.0.1:{LocalPort.ToString(CultureInfo.InvariantCulture)}>");
        ok.Add("Content-Type", "APPLICATION/SDP");
        ok.Body = Encoding.ASCII.GetBytes(Sdp.SendAnswer(options.Channel, sdp.SessionName, "127.0.0.1", (udp?.LocalEndPoint as IPEndPoint)?.Port ?? 9, sdp.Ssrc!, tcp));
        _feeds[invite.CallId ?? ""] = new Feed(ok, new IPEndPoint(address, sdp.Port), udp, ssrc, clip);
        await answer(ok);
    }

    /// <summary>The clip, looped at its own rate, as PS over RTP until BYE (or until the gateway's port goes away).</summary>
    private async Task SendVideoAsync(Feed feed)
    {
        using var udp = feed.Udp;
        using var tcp = feed.Udp is null ? new TcpClient() : null;
        try
        {
            if (tcp is not null)
            {
                await tcp.ConnectAsync(feed.Target, feed.Stop.Token);
            }

            using var process = MediaProcess.Start(ProgramStreamArguments.Build(plan.FfmpegPath, new StreamSource(new Uri(feed.Clip).AbsoluteUri)), logger);
            try
            {
                await PsRtpStreamer.PumpAsync(process.StandardOutput, new PsRtpPacketizer(feed.Ssrc, ProgramStreamArguments.PackBytes), udp, feed.Target, tcp?.GetStream(),
                    _ => { }, feed.Stop.Token);
            }
            finally
            {
                process.Kill();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException or MediaToolMissingException)
        {
            if (ex is not OperationCanceledException)
            {
                logger.LogWarning("Demo GB/T 28181 camera: video to {Target} stopped: {Reason}", feed.Target, ex.Message);
            }
        }
    }

    private static string Hex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>One INVITE dialog: the 200 sent, where the video goes, and how to stop it.</summary>
    private sealed class Feed(SipMessage answer, IPEndPoint target, Socket? udp, uint ssrc, string clip)
    {
        public SipMessage Answer { get; } = answer;

        public IPEndPoint Target { get; } = target;

        public Socket? Udp { get; } = udp;

        public uint Ssrc { get; } = ssrc;

        public string Clip { get; } = clip;

        public CancellationTokenSource Stop { get; } = new();

        public Task? Run { get; set; }
    }
}
