using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SmartCommunity.Gateway.Infrastructure.Security;

/// <summary>
/// Hashes secrets as PBKDF2-HMAC-SHA512 in mosquitto's password-file format
/// <c>$7$iterations$salt$hash</c> (base64), so the device registry can be exported as a mosquitto
/// <c>password_file</c> for external-broker mode without ever storing a secret in clear.
/// Device secrets are long random tokens, so a modest iteration count suffices; people's passwords,
/// chosen by humans, get many more (OWASP 2023: 210 000 for PBKDF2-SHA512).
/// </summary>
public static class SecretHasher
{
    public const int DeviceIterations = 1_000;
    public const int PersonIterations = 210_000;
    private const int SaltBytes = 12;
    private const int HashBytes = 64;

    public static string Hash(string secret, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA512, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"$7${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    public static bool Verify(string secret, string encoded)
    {
        var parts = encoded.Split('$');
        // "", "7", iterations, salt, hash
        if (parts.Length != 5 || parts[1] != "7" || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations is < 1 or > 10_000_000)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[3]);
            expected = Convert.FromBase64String(parts[4]);
        }
        catch (FormatException)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA512, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>A random secret for a new device: 24 bytes, URL-safe base64 (32 characters).</summary>
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
}
