namespace SmartCommunity.Gateway.Infrastructure.Security;

/// <summary>Section <c>Secrets</c>: where the key lives that encrypts stored secrets (camera passwords).</summary>
public sealed class SecretsOptions
{
    public const string Section = "Secrets";

    /// <summary>
    /// The key file (32 random bytes, mode 0600), created at first start when missing. Default
    /// <c>Storage:DataDirectory/secrets.key</c>. It is a file of its own, never in the database, so a copy of the
    /// database (a backup, a PostgreSQL dump) carries no readable secret. Gateways that share one database must
    /// share this file too, or each reads only what it stored itself.
    /// </summary>
    public string? KeyFile { get; set; }
}
