using System.ComponentModel.DataAnnotations;

namespace SmartCommunity.Gateway.Cluster;

/// <summary>Whether this gateway is one of several sharing one PostgreSQL and one external MQTT broker.</summary>
public enum ClusterMode
{
    /// <summary>On exactly when <c>Database:Provider</c> is <c>PostgreSql</c> and <c>Broker:Mode</c> is <c>External</c>.</summary>
    Auto,
    On,
    Off,
}

/// <summary>Section <c>Cluster</c>: scale-out (docs/scale-out.md). The single-node default needs none of it.</summary>
public sealed class ClusterOptions : IValidatableObject
{
    public const string Section = "Cluster";

    public ClusterMode Mode { get; set; } = ClusterMode.Auto;

    /// <summary>This gateway's name in leases and logs. Default: <c>Broker:ClientId</c>, else the machine name.</summary>
    public string? NodeId { get; set; }

    /// <summary>How long a lease holds without renewal: a dead holder's work moves after at most this (plus one renewal).</summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often leases are renewed or tried; well under <see cref="LeaseTtl"/> so one slow round trip does not lose them.</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(3);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LeaseRenewInterval <= TimeSpan.Zero || LeaseTtl < LeaseRenewInterval * 2 + TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("Cluster:LeaseTtl must be at least twice Cluster:LeaseRenewInterval plus a second, so one late renewal does not lose a lease.",
                [nameof(LeaseTtl), nameof(LeaseRenewInterval)]);
        }
    }
}
