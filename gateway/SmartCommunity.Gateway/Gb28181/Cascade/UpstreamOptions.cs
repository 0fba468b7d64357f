using System.ComponentModel.DataAnnotations;
using SmartCommunity.Protocol.Identity;

namespace SmartCommunity.Gateway.Gb28181.Cascade;

/// <summary>
/// The superior platform the gateway cascades to (section <c>Gb28181:Upstream</c>, GB/T 28181-2016 §5.4 级联 and
/// §9.1.2.1 as a lower platform): it registers there with digest, keeps alive, and answers its Catalog queries.
/// Keep <see cref="Password"/> out of files under version control (environment variable <c>Gb28181__Upstream__Password</c>).
/// </summary>
public sealed class UpstreamOptions
{
    /// <summary>Off by default.</summary>
    public bool Enabled { get; set; }

    /// <summary>The superior platform's 20-digit SIP ID (type 200).</summary>
    public string ServerId { get; set; } = "";

    /// <summary>Its SIP domain (digest realm), usually its first 10 digits.</summary>
    public string Domain { get; set; } = "";

    /// <summary>Its address, <c>host:port</c> (UDP).</summary>
    public string Address { get; set; } = "";

    /// <summary>The password the superior platform gave this gateway.</summary>
    public string Password { get; set; } = "";

    /// <summary>Registration lifetime asked; re-registered at four fifths of what is granted. Default 3 600 s.</summary>
    public TimeSpan Expires { get; set; } = TimeSpan.FromSeconds(3_600);

    /// <summary>Keepalive MESSAGE interval; three unanswered in a row register again. Default 60 s.</summary>
    public TimeSpan KeepaliveInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Catalog items per Response MESSAGE (a catalog is split over several, each under the SIP size limit). Default 20.</summary>
    [Range(1, 100)]
    public int CatalogItemsPerMessage { get; set; } = 20;

    /// <summary>Live streams sent to the superior at once (each is one ffmpeg copying a camera); more are answered 486. Default 16.</summary>
    [Range(1, 256)]
    public int MaxStreams { get; set; } = 16;

    /// <summary>
    /// Camera event types sent upward as GB/T 28181 alarms, comma-separated (of zone_enter, line_cross, tamper,
    /// video_loss, fault, motion_start); empty sends none. Default: intrusion, tripwire, tamper and video loss — motion is
    /// left out, as it is too frequent for a public-security platform's alarm desk.
    /// </summary>
    public string AlarmTypes { get; set; } = "zone_enter,line_cross,tamper,video_loss";

    public System.Net.IPEndPoint? Endpoint => System.Net.IPEndPoint.TryParse(Address, out var endpoint) && endpoint.Port != 0 ? endpoint : null;

    public IEnumerable<ValidationResult> Validate()
    {
        if (!Enabled)
        {
            yield break;
        }

        if (!Gb28181Id.TryParse(ServerId, out _, out var error))
        {
            yield return new ValidationResult("Gb28181:Upstream:ServerId: " + error);
        }

        if (string.IsNullOrWhiteSpace(Domain) || Endpoint is null || string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult("Gb28181:Upstream needs Domain, Address (an IP address with a port) and Password.");
        }

        if (Expires < TimeSpan.FromSeconds(60) || KeepaliveInterval < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("Gb28181:Upstream: Expires must be at least 60 s and KeepaliveInterval at least 1 s.");
        }
    }
}
