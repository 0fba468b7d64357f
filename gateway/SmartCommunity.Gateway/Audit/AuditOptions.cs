using System.ComponentModel.DataAnnotations;

namespace SmartCommunity.Gateway.Audit;

/// <summary>How long the audit log keeps its entries (section <c>Audit</c>; validated at start).</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>
    /// Days an entry is kept, 1–36 500. Default 180: China's Cybersecurity Law (网络安全法, art. 21) asks network
    /// operators to keep their logs for no less than six months; a site may keep them longer.
    /// </summary>
    [Range(1, 36_500)]
    public int RetentionDays { get; set; } = 180;

    /// <summary>How often expired entries are deleted, 1 s – 1 day. Default 1 h (the first pass runs at start).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);
}
