using System.Globalization;
using System.Security.Cryptography;
using System.Xml.Linq;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gb28181.Manscdp;
using SmartCommunity.Gb28181.Sip;
using SmartCommunity.Protocol.Identity;

namespace SmartCommunity.Gateway.Gb28181.Cascade;

/// <summary>
/// The gateway as a lower platform of a superior one (GB/T 28181-2016 §5.4 级联; the same in 2022): it REGISTERs with
/// digest (§9.1.2.1, as a device does), re-registers at four fifths of the granted Expires, sends a Keepalive every
/// <see cref="UpstreamOptions.KeepaliveInterval"/> (§9.6; three unanswered register again), and answers the superior's
/// Catalog query (§9.5.1) with the community's cameras that have a GB/T 28181 video ID, split over MESSAGEs of
/// <see cref="UpstreamOptions.CatalogItemsPerMessage"/> items, and its RecordInfo query (§9.7.1) from the gateway's recordings
/// (<see cref="UpstreamRecords"/>), and its DeviceInfo and DeviceStatus queries (<see cref="UpstreamQueries"/>). Only MESSAGEs from the configured ID and address are
/// taken as the superior's. Live video upward is <see cref="UpstreamMedia"/>, alarms upward <see cref="UpstreamAlarms"/>.
/// </summary>
public sealed class UpstreamPlatform(Gb28181Options options, SipClient client, CameraRegistry cameras, DeviceRegistry devices, UpstreamRecords records, UpstreamQueries queries,
    Gb28181Metrics metrics, TimeProvider time, ILogger<UpstreamPlatform> logger)
{
    private readonly UpstreamOptions _upstream = options.Upstream;
    private readonly string _callId = Random(12) + "@" + options.EffectiveAddress;
    private readonly string _fromTag = Random(6);
    private long _cseq;

    public bool Registered { get; private set; }

    public bool Enabled => _upstream.Enabled && _upstream.Endpoint is not null;

    /// <summary>A request from the superior: its ID in From, from its configured address.</summary>
    public bool IsFromUpstream(SipMessage request, SipPeer peer) =>
        Enabled && request.FromUser == _upstream.ServerId && _upstream.Endpoint!.Address.Equals(peer.Remote.Address);

    /// <summary>Registers, keeps alive and re-registers until stopped; then unregisters (Expires: 0).</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        metrics.Gauge("sc_gb28181_upstream_registered", "1 while the gateway is registered with its superior GB/T 28181 platform.", () => Registered ? 1 : 0);
        var backoff = TimeSpan.FromSeconds(2);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var granted = await RegisterAsync(_upstream.Expires, stopping).ConfigureAwait(false);
                Registered = granted is not null;
                if (granted is null)
                {
                    await Task.Delay(backoff, time, stopping).ConfigureAwait(false);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(60).Ticks));
                    continue;
                }

                backoff = TimeSpan.FromSeconds(2);
                var refreshAt = time.GetUtcNow() + (granted.Value * 0.8);
                var misses = 0;
                while (misses < 3 && time.GetUtcNow() < refreshAt)
                {
                    misses = await KeepaliveAsync(stopping).ConfigureAwait(false) ? 0 : misses + 1;
                    var wait = refreshAt - time.GetUtcNow();
                    await Task.Delay(wait < _upstream.KeepaliveInterval ? (wait > TimeSpan.Zero ? wait : TimeSpan.Zero) : _upstream.KeepaliveInterval, time, stopping).ConfigureAwait(false);
                }

                if (misses >= 3)
                {
                    metrics.Cascade("keepalive-lost");
                    Registered = false;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            if (Registered)
            {
                Registered = false;
                await RegisterAsync(TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A MESSAGE from the superior: a Catalog query is answered 200 and then with the catalog; a body that is not
    /// MANSCDP gets 400 (<c>cascade-manscdp-…</c>), another command 200 and is counted (<c>cascade-unhandled-cmd</c>).
    /// </summary>
    public async Task HandleMessageAsync(SipMessage request, Func<SipMessage, Task> answer)
    {
        var body = ManscdpMessage.Parse(request.Body.Span, out var reason);
        if (body is null)
        {
            metrics.Refused("cascade-manscdp-" + reason);
            await answer(SipMessage.ResponseTo(request, 400, "Bad Request: " + reason)).ConfigureAwait(false);
            return;
        }

        await answer(SipMessage.ResponseTo(request, 200, "OK", Random(6))).ConfigureAwait(false);
        if (body is { Kind: "Query", CmdType: "Catalog" })
        {
            metrics.Cascade("catalog-query");
            _ = SendListAsync("Catalog", body.Sn, options.ServerId, "DeviceList", CatalogItems(), []);
        }
        else if (body is { Kind: "Query", CmdType: "RecordInfo" })
        {
            // §9.7.1: StartTime and EndTime in device time; an impossible range is answered with no records, and counted.
            var valid = RecordInfoCollector.TryParseTime(body.Field("StartTime"), out var start) & RecordInfoCollector.TryParseTime(body.Field("EndTime"), out var end);
            if (!valid || end <= start)
            {
                metrics.Refused("cascade-recordinfo-bad-time");
            }

            metrics.Cascade("recordinfo-query");
            var items = valid ? records.Items(body.DeviceId, start, end) : [];
            _ = SendListAsync("RecordInfo", body.Sn, body.DeviceId, "RecordList", items, [new XElement("Name", cameras.Find(body.DeviceId)?.Name ?? "")]);
        }
        else if (body is { Kind: "Query", CmdType: "DeviceInfo" or "DeviceStatus" })
        {
            if (!queries.Knows(body.DeviceId))
            {
                metrics.Refused("cascade-unknown-device");
            }

            metrics.Cascade(body.CmdType.ToLowerInvariant() + "-query");
            var reply = body.CmdType == "DeviceInfo" ? queries.DeviceInfo(body.Sn, body.DeviceId, CatalogItems().Count) : queries.DeviceStatus(body.Sn, body.DeviceId);
            _ = SendOneAsync(body.CmdType.ToLowerInvariant(), reply);
        }
        else
        {
            metrics.Refused("cascade-unhandled-cmd");
        }
    }

    /// <summary>The cameras the superior may see: those whose ID is a GB/T 28181 video code; the rest are counted, not listed.</summary>
    public IReadOnlyList<XElement> CatalogItems()
    {
        var items = new List<XElement>();
        foreach (var camera in cameras.All.OrderBy(c => c.Id, StringComparer.Ordinal))
        {
            if (!Gb28181Id.TryParse(camera.Id, out var code, out _) || !code.CarriesVideo)
            {
                metrics.Refused("cascade-camera-without-gb-id");
                continue;
            }

            var online = devices.Get(camera.Id)?.Online ?? true;
            var item = new XElement("Item", new XElement("DeviceID", camera.Id), new XElement("Name", camera.Name), new XElement("Manufacturer", "SmartCommunity"),
                new XElement("Model", "Gateway"), new XElement("Owner", "SmartCommunity"), new XElement("CivilCode", camera.Id[..6]), new XElement("Address", camera.CellId),
                new XElement("Parental", 0), new XElement("ParentID", options.ServerId), new XElement("SafetyWay", 0), new XElement("RegisterWay", 1),
                new XElement("Secrecy", 0), new XElement("Status", online ? "ON" : "OFF"));
            if (camera.Lon is { } lon && camera.Lat is { } lat)
            {
                item.Add(new XElement("Longitude", lon.ToString(CultureInfo.InvariantCulture)), new XElement("Latitude", lat.ToString(CultureInfo.InvariantCulture)));
            }

            items.Add(item);
        }

        return items;
    }

    /// <summary>A list answer (Catalog, RecordInfo) split over MESSAGEs of <see cref="UpstreamOptions.CatalogItemsPerMessage"/> items, each with the total in SumNum.</summary>
    private async Task SendListAsync(string cmdType, long sn, string deviceId, string listName, IReadOnlyList<XElement> items, XElement[] head)
    {
        var per = _upstream.CatalogItemsPerMessage;
        for (var i = 0; i == 0 || i < items.Count; i += per)
        {
            var part = items.Skip(i).Take(per).ToList();
            var answer = new XElement("Response", new XElement("CmdType", cmdType), new XElement("SN", sn), new XElement("DeviceID", deviceId),
                head, new XElement("SumNum", items.Count), new XElement(listName, new XAttribute("Num", part.Count), part));
            if (!await SendOneAsync(cmdType.ToLowerInvariant(), answer).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>One answer MESSAGE to the superior, counted as <c>{counter}-sent</c>, <c>-unanswered</c> or <c>-failed</c> (then false).</summary>
    private async Task<bool> SendOneAsync(string counter, XElement answer)
    {
        try
        {
            var reply = await SendAsync(Request("MESSAGE", ManscdpBodies.Serialize(answer)), TimeSpan.FromSeconds(8), CancellationToken.None).ConfigureAwait(false);
            metrics.Cascade(counter + (reply?.StatusCode is >= 200 and < 300 ? "-sent" : "-unanswered"));
            return true;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            metrics.Cascade(counter + "-failed");
            logger.LogWarning(ex, "GB/T 28181: {Answer} answer to the superior platform failed", counter);
            return false;
        }
    }

    /// <summary>A MANSCDP MESSAGE to the superior (an alarm); its final answer, or null when none came in 8 s.</summary>
    public Task<SipMessage?> SendMessageAsync(byte[] body, CancellationToken cancellationToken) =>
        SendAsync(Request("MESSAGE", body), TimeSpan.FromSeconds(8), cancellationToken);

    private async Task<bool> KeepaliveAsync(CancellationToken stopping)
    {
        var answer = await SendAsync(Request("MESSAGE", ManscdpBodies.Keepalive(client.NextSn(), options.ServerId)), TimeSpan.FromSeconds(8), stopping).ConfigureAwait(false);
        var ok = answer?.StatusCode is >= 200 and < 300;
        metrics.Cascade(ok ? "keepalive" : "keepalive-unanswered");
        return ok;
    }

    /// <summary>REGISTER, and once more with the digest answer when challenged; the granted time, or null when refused.</summary>
    private async Task<TimeSpan?> RegisterAsync(TimeSpan expires, CancellationToken stopping)
    {
        var answer = await SendAsync(Register(expires, null), TimeSpan.FromSeconds(8), stopping).ConfigureAwait(false);
        if (answer?.StatusCode is 401 or 407)
        {
            var challenge = DigestChallenge.Parse(answer.Get(answer.StatusCode == 401 ? "WWW-Authenticate" : "Proxy-Authenticate"));
            if (challenge is null)
            {
                metrics.Cascade("register-bad-challenge");
                return null;
            }

            var uri = $"sip:{_upstream.ServerId}@{_upstream.Domain}";
            answer = await SendAsync(Register(expires, challenge.Authorization(options.ServerId, _upstream.Password, "REGISTER", uri, Random(8))), TimeSpan.FromSeconds(8), stopping)
                .ConfigureAwait(false);
            if (answer?.StatusCode is 401 or 407)
            {
                metrics.Cascade("register-wrong-password");
                logger.LogWarning("GB/T 28181: the superior platform {Platform} refused the gateway's password", _upstream.ServerId);
                return null;
            }
        }

        if (answer?.StatusCode is not (>= 200 and < 300))
        {
            metrics.Cascade(answer is null ? "register-timeout" : "register-refused");
            return null;
        }

        metrics.Cascade(expires == TimeSpan.Zero ? "unregistered" : "registered");
        var granted = long.TryParse(answer.Get("Expires"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= expires.TotalSeconds
            ? TimeSpan.FromSeconds(seconds) : expires;
        logger.LogInformation("GB/T 28181: registered with the superior platform {Platform} for {Seconds} s", _upstream.ServerId, (long)granted.TotalSeconds);
        return granted;
    }

    private SipMessage Register(TimeSpan expires, string? authorization)
    {
        var request = Request("REGISTER", null);
        request.Set("To", $"<sip:{options.ServerId}@{options.EffectiveRealm}>");
        request.Add("Expires", ((long)expires.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        if (authorization is not null)
        {
            request.Add("Authorization", authorization);
        }

        return request;
    }

    /// <summary>A request to the superior (REGISTER and MESSAGE share one Call-ID and CSeq sequence, as devices do).</summary>
    private SipMessage Request(string method, byte[]? body)
    {
        var host = options.EffectiveAddress;
        var port = options.Port.ToString(CultureInfo.InvariantCulture);
        var request = SipMessage.Request(method, $"sip:{_upstream.ServerId}@{_upstream.Domain}");
        request.Add("Via", $"SIP/2.0/UDP {host}:{port};rport;branch=z9hG4bK{Random(8)}");
        request.Add("From", $"<sip:{options.ServerId}@{options.EffectiveRealm}>;tag={_fromTag}");
        request.Add("To", $"<sip:{_upstream.ServerId}@{_upstream.Domain}>");
        request.Add("Call-ID", _callId); // One Call-ID for all, as a device keeps its REGISTER Call-ID for its keepalives.
        request.Add("CSeq", $"{Interlocked.Increment(ref _cseq).ToString(CultureInfo.InvariantCulture)} {method}");
        request.Add("Contact", $"<sip:{options.ServerId}@{host}:{port}>");
        request.Add("Max-Forwards", "70");
        request.Add("User-Agent", "SmartCommunity");
        if (body is not null)
        {
            request.Add("Content-Type", "Application/MANSCDP+xml");
            request.Body = body;
        }

        return request;
    }

    private Task<SipMessage?> SendAsync(SipMessage request, TimeSpan timeout, CancellationToken stopping)
    {
        var now = time.GetUtcNow();
        var platform = new DeviceSession(_upstream.ServerId, _upstream.Endpoint!, "UDP", now.AddYears(1), now);
        return client.SendAsync(request, platform, timeout, stopping);
    }

    private static string Random(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
