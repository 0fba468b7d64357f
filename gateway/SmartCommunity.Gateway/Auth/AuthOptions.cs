using System.ComponentModel.DataAnnotations;

namespace SmartCommunity.Gateway.Auth;

/// <summary>Sign-in settings. Section <c>Auth</c>.</summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// <summary>
    /// Password for the <c>admin</c> account created on first run when no admin exists. When empty (the default),
    /// a random one is generated and written to <c>{DataDirectory}/initial-admin-password.txt</c>, never to the log.
    /// </summary>
    public string? InitialAdminPassword { get; set; }

    /// <summary>How long a login session lasts. Default 12 hours (one shift).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// PBKDF2-SHA512 iterations for people's passwords. Default 210 000 (OWASP 2023). Lower only on very slow
    /// hardware; at least 10 000. Existing hashes keep their own count and still verify.
    /// </summary>
    [Range(10_000, 10_000_000)]
    public int PasswordIterations { get; set; } = SmartCommunity.Gateway.Infrastructure.Security.SecretHasher.PersonIterations;

    /// <summary>
    /// Failed logins from one address for one name before that address is refused for that name. Default 5. Other
    /// addresses (the device itself, the person on their phone) are not affected.
    /// </summary>
    [Range(1, 10_000)]
    public int LoginFailuresBeforeLockout { get; set; } = 5;

    /// <summary>How long failures are counted and an address stays refused for a name. Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LoginLockout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Failed logins for one name (from any address), or from one address (for any names), within
    /// <see cref="BruteForceWindow"/> that count as brute force: counted and raised as an alert. Default 20.
    /// </summary>
    [Range(2, 1_000_000)]
    public int BruteForceFailures { get; set; } = 20;

    /// <summary>Window of <see cref="BruteForceFailures"/>. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan BruteForceWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Let <c>/metrics</c> be scraped without credentials from loopback addresses. Default true.</summary>
    public bool AnonymousMetricsFromLoopback { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(InitialAdminPassword) && InitialAdminPassword.Length < 12)
        {
            yield return new ValidationResult("Auth:InitialAdminPassword must have at least 12 characters.", [nameof(InitialAdminPassword)]);
        }
    }
}
