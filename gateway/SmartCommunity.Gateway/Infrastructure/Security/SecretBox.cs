using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Infrastructure.Security;

/// <summary>
/// Encrypts secrets the gateway must give back in plain text later (a camera's password, which ffmpeg needs), for
/// storing them at rest. AES-256-GCM (NIST SP 800-38D) with a random 96-bit nonce per value and a 128-bit tag; the
/// stored text is <c>v1:</c> + base64(nonce ‖ ciphertext ‖ tag). The caller's <c>context</c> (e.g.
/// <c>camera:cam-1:password</c>) is the associated data, so a value copied to another row does not decrypt.
/// The key is <see cref="SecretsOptions.KeyFile"/>, outside the database, created 0600 when missing.
/// <para>
/// Why not ASP.NET Core Data Protection: on Linux its key ring is XML files stored unencrypted next to a warning,
/// with rotation and expiry this one long-lived value does not need; the result would be the same key file with
/// more moving parts.
/// </para>
/// </summary>
public sealed class SecretBox
{
    private const string Prefix = "v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public SecretBox(IOptions<SecretsOptions> options, IOptions<StorageOptions> storage)
        : this(LoadOrCreateKey(options.Value.KeyFile ?? Path.Combine(storage.Value.DataDirectory, "secrets.key")))
    {
    }

    /// <summary>A box on a given 32-byte key (unit tests).</summary>
    public SecretBox(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("An AES-256 key has 32 bytes.", nameof(key));
        }

        _key = key;
    }

    /// <summary>Whether a stored value is already encrypted (a value stored before encryption is plain).</summary>
    public static bool IsSealed(string stored) => stored.StartsWith(Prefix, StringComparison.Ordinal);

    public string Seal(string plain, string context)
    {
        var plainBytes = Encoding.UTF8.GetBytes(plain);
        var sealedBytes = new byte[NonceSize + plainBytes.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plainBytes, sealedBytes.AsSpan(NonceSize, plainBytes.Length), sealedBytes.AsSpan(NonceSize + plainBytes.Length), Encoding.UTF8.GetBytes(context));
        return Prefix + Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The plain value, or null when it does not open (another key, another context, damaged).</summary>
    public string? Open(string stored, string context)
    {
        if (!IsSealed(stored))
        {
            return null;
        }

        byte[] sealedBytes;
        try
        {
            sealedBytes = Convert.FromBase64String(stored[Prefix.Length..]);
        }
        catch (FormatException)
        {
            return null;
        }

        if (sealedBytes.Length < NonceSize + TagSize)
        {
            return null;
        }

        var length = sealedBytes.Length - NonceSize - TagSize;
        var plainBytes = new byte[length];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length), sealedBytes.AsSpan(NonceSize + length), plainBytes, Encoding.UTF8.GetBytes(context));
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        return Encoding.UTF8.GetString(plainBytes);
    }

    /// <summary>Reads the key file, or creates it (mode 0600 from the first byte: never readable by others, not even briefly).</summary>
    internal static byte[] LoadOrCreateKey(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var key = RandomNumberGenerator.GetBytes(32);
            try
            {
                var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.WriteThrough };
                if (!OperatingSystem.IsWindows())
                {
                    create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using (var file = new FileStream(path, create))
                {
                    file.Write(key);
                }

                return key;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another start created it meanwhile: use that one.
            }
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidOperationException($"Secrets:KeyFile {path} is readable by others; make it 0600 (chmod 600) before starting.");
        }

        var bytes = File.ReadAllBytes(path);
        return bytes.Length == 32
            ? bytes
            : throw new InvalidOperationException($"Secrets:KeyFile {path} has {bytes.Length} bytes, not the 32 of an AES-256 key.");
    }
}
