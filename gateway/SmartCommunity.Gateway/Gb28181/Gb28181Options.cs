using System.ComponentModel.DataAnnotations;
using SmartCommunity.Protocol.Identity;

namespace SmartCommunity.Gateway.Gb28181;

/// <summary>The GB/T 28181 SIP server (section <c>Gb28181</c>): cameras and NVRs register here.</summary>
public sealed class Gb28181Options : IValidatableObject
{
    public const string Section = "Gb28181";

    /// <summary>Off by default: a gateway without 雪亮 devices opens no SIP port. The demo and the tests turn it on.</summary>
    public bool Enabled { get; set; }

    /// <summary>UDP and TCP port of the SIP server. Default 5060 (RFC 3261 §18).</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 5060;

    /// <summary>Address the SIP server binds. Default all interfaces.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>Address the gateway names in Via, Contact and SDP; default the bind address, or 127.0.0.1 when that is 0.0.0.0.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>The gateway's own 20-digit SIP ID (type 200, SIP server). Default 34020000002000000001, WVP's usual one.</summary>
    public string ServerId { get; set; } = "34020000002000000001";

    /// <summary>Digest realm and SIP domain. Default: the first 10 digits of <see cref="ServerId"/> (GB/T 28181-2016 §9.1.2.1 practice).</summary>
    public string? Realm { get; set; }

    /// <summary>How long a challenge's nonce stays good. Default 5 minutes.</summary>
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Shortest registration accepted (423 Interval Too Brief below). Default 60 s.</summary>
    public TimeSpan MinExpires { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest registration granted; longer requests are shortened to it. Default 86 400 s (GB/T 28181 practice).</summary>
    public TimeSpan MaxExpires { get; set; } = TimeSpan.FromSeconds(86_400);

    /// <summary>Expected keepalive interval; a device is offline after <see cref="KeepaliveMisses"/> of them pass silent. Default 60 s.</summary>
    public TimeSpan KeepaliveInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Default 3 (GB/T 28181-2016 §9.6.1).</summary>
    [Range(1, 100)]
    public int KeepaliveMisses { get; set; } = 3;

    /// <summary>Largest SIP message read, UDP or TCP. Default 65 536 bytes.</summary>
    [Range(1_024, 1_048_576)]
    public int MaxMessageBytes { get; set; } = 65_536;

    /// <summary>REGISTERs one source address may send per minute; more are dropped unanswered and counted. Default 60.</summary>
    [Range(1, 100_000)]
    public int MaxRegistersPerSourcePerMinute { get; set; } = 60;

    /// <summary>TCP connections open at once; more are closed at accept. Default 2 000.</summary>
    [Range(1, 100_000)]
    public int MaxTcpConnections { get; set; } = 2_000;

    /// <summary>Lowest UDP/TCP port the gateway receives a live stream's RTP on (one port per stream). Default 30000.</summary>
    [Range(1, 65535)]
    public int MediaPortMin { get; set; } = 30_000;

    /// <summary>Highest media port; the range bounds how many streams run at once. Default 30999.</summary>
    [Range(1, 65535)]
    public int MediaPortMax { get; set; } = 30_999;

    /// <summary>
    /// RTP transport asked of devices: <c>UDP</c> (default), <c>TCP</c> or <c>TCP-PASSIVE</c> (the gateway listens,
    /// GB/T 28181-2016 §9.2 passive mode), or <c>TCP-ACTIVE</c> (for playback the gateway connects to the port the device
    /// answers, RFC 4145; live streams use passive TCP for it). A device's attribute <c>gb28181.mediaTransport</c>
    /// overrides it for its channels.
    /// </summary>
    [RegularExpression("^(UDP|TCP|TCP-PASSIVE|TCP-ACTIVE)$")]
    public string MediaTransport { get; set; } = "UDP";

    /// <summary>How long a device may take to answer an INVITE. Default 10 s.</summary>
    public TimeSpan InviteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A live stream that brings no RTP for this long is ended with BYE (its readers end, and a recorder invites again). Default 10 s.</summary>
    public TimeSpan MediaTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a live stream stays up after its last reader left, before BYE (a recorder restart should not cost an INVITE). Default 10 s.</summary>
    public TimeSpan StreamLinger { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Loopback TCP port where the recorder, live view and analysis read a GB channel's stream (as an HTTP URL, like
    /// any camera). Default 0: a free port picked at start (the cameras' URLs are updated to it).
    /// </summary>
    [Range(0, 65535)]
    public int RelayPort { get; set; }

    /// <summary>
    /// The devices' clock offset from UTC. MANSCDP times (GB/T 28181-2016 A.2.1) are local wall-clock times without a
    /// zone, so the gateway converts the API's instants to and from device time with it. Default +08:00 (China).
    /// </summary>
    public TimeSpan DeviceUtcOffset { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How long the gateway waits for all of a RecordInfo query's answers (SumNum items) after the device acknowledged it. Default 15 s.</summary>
    public TimeSpan RecordQueryTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest time range one RecordInfo query may cover. Default 31 days (a device lists one item per file, and lists are capped at 10 000).</summary>
    public TimeSpan MaxRecordQuerySpan { get; set; } = TimeSpan.FromDays(31);

    /// <summary>Longest stretch of a device's recording one playback request may ask for. Default 4 hours.</summary>
    public TimeSpan MaxPlaybackSpan { get; set; } = TimeSpan.FromHours(4);

    /// <summary>
    /// How many channels of one device (NVR) are recorded and analysed by default when the catalog first names them;
    /// later channels are created with recording and analysis off, for an admin to turn on per channel (see
    /// <c>GbCameras</c> for why). Default 4; 0 records none by default.
    /// </summary>
    [Range(0, 10_000)]
    public int RecordFirstChannels { get; set; } = 4;

    /// <summary>
    /// Events the gateway subscribes to at each registered device (GB/T 28181-2016 §9.11): a comma list of
    /// <c>Catalog</c> and <c>Alarm</c>. Default none (a device then reports alarms by MESSAGE and its catalog when
    /// asked). A device's attribute <c>gb28181.subscribe</c> overrides it.
    /// </summary>
    [RegularExpression("^\\s*((Catalog|Alarm)\\s*(,\\s*(Catalog|Alarm)\\s*)*)?$")]
    public string Subscribe { get; set; } = "";

    /// <summary>Expires asked in a SUBSCRIBE; refreshed at four fifths of what the device granted. Default 3 600 s.</summary>
    public TimeSpan SubscriptionExpires { get; set; } = TimeSpan.FromSeconds(3_600);

    /// <summary>The superior platform to cascade to (off by default).</summary>
    public Cascade.UpstreamOptions Upstream { get; set; } = new();

    public string EffectiveRealm => string.IsNullOrEmpty(Realm) ? ServerId[..Math.Min(10, ServerId.Length)] : Realm;

    public string EffectiveAddress => !string.IsNullOrEmpty(AdvertisedAddress) ? AdvertisedAddress : BindAddress is "0.0.0.0" or "::" ? "127.0.0.1" : BindAddress;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Gb28181Id.TryParse(ServerId, out _, out var error))
        {
            yield return new ValidationResult("Gb28181:ServerId: " + error, [nameof(ServerId)]);
        }

        if (!System.Net.IPAddress.TryParse(BindAddress, out _))
        {
            yield return new ValidationResult("Gb28181:BindAddress must be an IP address.", [nameof(BindAddress)]);
        }

        if (MediaPortMax < MediaPortMin)
        {
            yield return new ValidationResult("Gb28181:MediaPortMax must not be below MediaPortMin.", [nameof(MediaPortMax)]);
        }

        if (InviteTimeout <= TimeSpan.Zero || MediaTimeout <= TimeSpan.Zero || StreamLinger < TimeSpan.Zero)
        {
            yield return new ValidationResult("Gb28181: InviteTimeout and MediaTimeout must be positive and StreamLinger not negative.");
        }

        if (DeviceUtcOffset < TimeSpan.FromHours(-14) || DeviceUtcOffset > TimeSpan.FromHours(14) || RecordQueryTimeout <= TimeSpan.Zero || MaxRecordQuerySpan <= TimeSpan.Zero || MaxPlaybackSpan <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Gb28181: DeviceUtcOffset must be within ±14 h; RecordQueryTimeout, MaxRecordQuerySpan and MaxPlaybackSpan must be positive.");
        }

        foreach (var result in Upstream.Validate())
        {
            yield return result;
        }

        if (SubscriptionExpires < TimeSpan.FromSeconds(10))
        {
            yield return new ValidationResult("Gb28181:SubscriptionExpires must be at least 10 s.", [nameof(SubscriptionExpires)]);
        }

        if (MinExpires <= TimeSpan.Zero || MaxExpires < MinExpires || KeepaliveInterval <= TimeSpan.Zero || NonceLifetime <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Gb28181: MinExpires, MaxExpires (≥ MinExpires), KeepaliveInterval and NonceLifetime must be positive.");
        }
    }
}
