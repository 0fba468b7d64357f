using System.Collections.Concurrent;
using System.Globalization;
using System.Xml.Linq;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gb28181.Manscdp;
using SmartCommunity.Gb28181.Sip;

namespace SmartCommunity.Gateway.Gb28181;

/// <summary>One subscription the gateway holds at a device (a SUBSCRIBE dialog, RFC 6665 §4.1).</summary>
public sealed class Subscription(string deviceId, string eventName, string callId, string fromTag)
{
    public string DeviceId { get; } = deviceId;

    /// <summary><c>Catalog</c> or <c>Alarm</c>.</summary>
    public string Event { get; } = eventName;

    public string CallId { get; } = callId;

    public string FromTag { get; } = fromTag;

    /// <summary>The device's To header with its tag (from the 200), used in refreshes.</summary>
    public string? To { get; set; }

    public long CSeq { get; set; }

    /// <summary>The highest CSeq of a NOTIFY taken in this dialog (RFC 3261 §12.2.2); -1 before the first.</summary>
    public long RemoteCSeq { get; set; } = -1;

    public DateTimeOffset Expires { get; set; }

    public TimeSpan Granted { get; set; }

    internal int Refreshing;
}

/// <summary>
/// Event subscriptions at devices (GB/T 28181-2016 §9.11, 订阅和通知; the same in the 2022 edition): after a device
/// registers, the gateway sends it <c>SUBSCRIBE</c> for the events named by the device's attribute
/// <c>gb28181.subscribe</c> (or <see cref="Gb28181Options.Subscribe"/>): <c>Catalog</c> (§9.11.2, Event: Catalog,
/// changes of its channels) and <c>Alarm</c> (§9.11.1, Event: presence as devices and WVP use it, alarms of priority 1–4).
/// The device answers 200 and then sends <c>NOTIFY</c> in that dialog; the gateway refreshes before Expires and ends
/// the subscriptions (Expires: 0) when it stops. A NOTIFY outside a dialog the gateway holds gets 481, one whose CSeq is
/// not above the last one's gets 500 (RFC 3261 §12.2.2), each counted.
/// </summary>
public sealed class Subscriptions(Gb28181Options options, SipClient client, DeviceSessions sessions, DeviceRegistry devices, CatalogSync catalogs,
    Gb28181Metrics metrics, TimeProvider time, ILogger<Subscriptions> logger)
{
    public const string Attribute = "gb28181.subscribe";

    private readonly ConcurrentDictionary<string, Subscription> _byCallId = new(StringComparer.Ordinal);

    public int Count => _byCallId.Count;

    /// <summary>The events a device is subscribed to: its attribute, else the option; only Catalog and Alarm are known.</summary>
    public IReadOnlyList<string> EventsFor(string deviceId)
    {
        var text = devices.Get(deviceId)?.Device.Attributes.GetValueOrDefault(Attribute) ?? options.Subscribe;
        return [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Equals("catalog", StringComparison.OrdinalIgnoreCase) ? "Catalog" : e.Equals("alarm", StringComparison.OrdinalIgnoreCase) ? "Alarm" : null)
            .OfType<string>().Distinct()];
    }

    /// <summary>Subscribes a device that (re)registered to its events; earlier subscriptions of it are forgotten.</summary>
    public async Task StartAsync(DeviceSession session)
    {
        Forget(session.DeviceId);
        foreach (var name in EventsFor(session.DeviceId))
        {
            await SubscribeAsync(session, new Subscription(session.DeviceId, name, Guid.NewGuid().ToString("N") + "@" + options.EffectiveAddress, Guid.NewGuid().ToString("N")[..12]),
                options.SubscriptionExpires).ConfigureAwait(false);
        }
    }

    /// <summary>The subscription a NOTIFY belongs to (its Call-ID and sender), or null.</summary>
    public Subscription? Find(string? callId, string deviceId) =>
        callId is not null && _byCallId.TryGetValue(callId, out var subscription) && subscription.DeviceId == deviceId ? subscription : null;

    /// <summary>
    /// Takes a NOTIFY's CSeq (RFC 3261 §12.2.2): false when it is not above the last one taken in the dialog (out of
    /// order or replayed; the caller answers 500).
    /// </summary>
    public static bool TryAdvance(Subscription subscription, long cseq)
    {
        lock (subscription)
        {
            if (cseq <= subscription.RemoteCSeq)
            {
                return false;
            }

            subscription.RemoteCSeq = cseq;
            return true;
        }
    }

    /// <summary>Applies a Catalog NOTIFY's items (GB/T 28181-2016 §9.11.2, A.2.5 目录变化通知: Event per item).</summary>
    public void OnCatalogNotify(ManscdpMessage body, string parentId)
    {
        metrics.Message("CatalogNotify");
        var items = CatalogCollector.Items(body, out var bad);
        if (bad)
        {
            metrics.Refused("catalog-bad-item");
        }

        catalogs.ApplyChanges(parentId, body.Sn, items);
    }

    /// <summary>Refreshes subscriptions that reach four fifths of their time (the server's timer calls this).</summary>
    public void Tick()
    {
        var now = time.GetUtcNow();
        foreach (var subscription in _byCallId.Values)
        {
            if (now >= subscription.Expires - (subscription.Granted / 5) && Interlocked.Exchange(ref subscription.Refreshing, 1) == 0
                && sessions.Get(subscription.DeviceId) is { } session)
            {
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await SubscribeAsync(session, subscription, options.SubscriptionExpires).ConfigureAwait(false);
                    }
                    finally
                    {
                        Interlocked.Exchange(ref subscription.Refreshing, 0);
                    }
                });
            }
        }
    }

    /// <summary>The device went offline: its subscriptions end with it (it must be subscribed again after registering).</summary>
    public void Forget(string deviceId)
    {
        foreach (var subscription in _byCallId.Values.Where(s => s.DeviceId == deviceId))
        {
            _byCallId.TryRemove(subscription.CallId, out _);
        }
    }

    /// <summary>The device ended one subscription (Subscription-State: terminated).</summary>
    public void Forget(string deviceId, Subscription subscription)
    {
        if (subscription.DeviceId == deviceId)
        {
            _byCallId.TryRemove(subscription.CallId, out _);
            metrics.Message("Subscription-terminated");
        }
    }

    /// <summary>Ends every subscription (SUBSCRIBE with Expires: 0, RFC 6665 §4.1.2.3), without waiting long.</summary>
    public Task StopAllAsync() => Task.WhenAll(_byCallId.Values.ToList().Select(s => sessions.Get(s.DeviceId) is { } session
        ? SubscribeAsync(session, s, TimeSpan.Zero) : Task.CompletedTask));

    private async Task SubscribeAsync(DeviceSession session, Subscription subscription, TimeSpan expires)
    {
        var request = client.NewRequest("SUBSCRIBE", session, subscription.CallId, subscription.FromTag, subscription.CSeq == 0 ? null : subscription.CSeq + 1);
        if (subscription.To is not null)
        {
            request.Set("To", subscription.To);
        }

        var sn = client.NextSn();
        request.Add("Contact", $"<sip:{options.ServerId}@{options.EffectiveAddress}:{options.Port.ToString(CultureInfo.InvariantCulture)}>");
        request.Add("Event", subscription.Event == "Catalog" ? "Catalog;id=" + sn.ToString(CultureInfo.InvariantCulture) : "presence");
        request.Add("Expires", ((long)expires.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        request.Add("Content-Type", "Application/MANSCDP+xml");
        request.Body = subscription.Event == "Catalog"
            ? ManscdpBodies.Query("Catalog", sn, session.DeviceId)
            : ManscdpBodies.Serialize(new XElement("Query", new XElement("CmdType", "Alarm"), new XElement("SN", sn), new XElement("DeviceID", session.DeviceId),
                new XElement("StartAlarmPriority", 1), new XElement("EndAlarmPriority", 4), new XElement("AlarmMethod", 0)));
        subscription.CSeq = request.CSeq!.Value.Number;
        var change = expires == TimeSpan.Zero ? "unsubscribe" : subscription.To is null ? "subscribe" : "refresh";
        if (expires != TimeSpan.Zero)
        {
            // Known before the answer: a device may send its first NOTIFY before its 200 arrives (RFC 6665 §4.1.2.4).
            subscription.Expires = time.GetUtcNow() + expires;
            subscription.Granted = expires;
            _byCallId[subscription.CallId] = subscription;
        }

        SipMessage? answer;
        try
        {
            // Timer F (RFC 3261 §17.1.2.2, 64·T1) for a subscription; a stopping gateway does not wait that long.
            answer = await client.SendAsync(request, session, TimeSpan.FromSeconds(expires == TimeSpan.Zero ? 2 : 32)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            logger.LogWarning(ex, "GB/T 28181: SUBSCRIBE {Event} to {Device} failed", subscription.Event, session.DeviceId);
            answer = null;
        }

        if (expires == TimeSpan.Zero || answer?.StatusCode is not (>= 200 and < 300))
        {
            _byCallId.TryRemove(subscription.CallId, out _);
            if (expires != TimeSpan.Zero)
            {
                metrics.Refused(answer is null ? "subscribe-timeout" : "subscribe-refused");
                logger.LogWarning("GB/T 28181: {Device} did not accept the {Event} subscription ({Status})", session.DeviceId, subscription.Event, answer?.StatusCode);
                return;
            }

            metrics.Message("Subscription-" + change);
            return;
        }

        // The device may shorten the time (RFC 6665 §4.2.1.1); never lengthen it.
        var granted = long.TryParse(answer.Get("Expires"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds < expires.TotalSeconds
            ? TimeSpan.FromSeconds(seconds) : expires;
        subscription.To = answer.Get("To");
        subscription.Granted = granted;
        subscription.Expires = time.GetUtcNow() + granted;
        _byCallId[subscription.CallId] = subscription;
        metrics.Message("Subscription-" + change);
        logger.LogInformation("GB/T 28181: {Device} subscribed to {Event} for {Seconds} s", session.DeviceId, subscription.Event, (long)granted.TotalSeconds);
    }
}
