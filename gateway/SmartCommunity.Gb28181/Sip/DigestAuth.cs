using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SmartCommunity.Gb28181.Sip;

/// <summary>Why a digest was refused; the name is the metric label.</summary>
public enum DigestVerdict
{
    Accepted,
    Missing,
    Malformed,
    WrongRealm,
    WrongUser,
    UnsupportedAlgorithm,
    ForgedNonce,
    StaleNonce,
    Replayed,
    WrongResponse,
}

/// <summary>The parameters of an <c>Authorization: Digest …</c> header (RFC 2617 §3.2.2).</summary>
public sealed record DigestCredentials(string Username, string Realm, string Nonce, string Uri, string Response, string? Algorithm, string? Qop, string? Nc, string? Cnonce)
{
    /// <summary>Null when the header is not a digest or lacks a required parameter.</summary>
    public static DigestCredentials? Parse(string? header)
    {
        if (header is null || !header.StartsWith("Digest ", StringComparison.OrdinalIgnoreCase) || header.Length > 2048)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var text = header.AsSpan(7);
        while (!text.IsEmpty)
        {
            text = text.TrimStart(" ,\t");
            var eq = text.IndexOf('=');
            if (eq <= 0)
            {
                break;
            }

            var name = text[..eq].Trim().ToString();
            text = text[(eq + 1)..].TrimStart();
            string value;
            if (!text.IsEmpty && text[0] == '"')
            {
                var close = text[1..].IndexOf('"');
                if (close < 0)
                {
                    return null;
                }

                value = text.Slice(1, close).ToString();
                text = text[(close + 2)..];
            }
            else
            {
                var comma = text.IndexOf(',');
                value = (comma < 0 ? text : text[..comma]).Trim().ToString();
                text = comma < 0 ? [] : text[comma..];
            }

            if (!values.TryAdd(name, value))
            {
                return null; // A parameter twice is not a digest we can reason about.
            }
        }

        return values.TryGetValue("username", out var user) && values.TryGetValue("realm", out var realm) && values.TryGetValue("nonce", out var nonce)
            && values.TryGetValue("uri", out var uri) && values.TryGetValue("response", out var response)
            ? new DigestCredentials(user, realm, nonce, uri, response, values.GetValueOrDefault("algorithm"), values.GetValueOrDefault("qop"),
                values.GetValueOrDefault("nc"), values.GetValueOrDefault("cnonce"))
            : null;
    }
}

/// <summary>
/// SIP digest authentication with MD5 (RFC 2617 as RFC 3261 §22.4 uses it; GB/T 28181-2016 §9.1.2.1). Nonces carry
/// their issue time and an HMAC, so issuing one costs no memory and a forged or expired one is recognised; a nonce is
/// accepted once without <c>qop</c>, and with <c>qop=auth</c> only with a rising nonce count, so a captured REGISTER
/// cannot be replayed. Credentials are HA1 = MD5(user:realm:password), which the registry stores instead of passwords.
/// </summary>
public sealed class DigestAuthenticator
{
    // Should be rare: more live nonces in use than this means a flood; forget the oldest rather than grow.
    private const int MaxTrackedNonces = 200_000;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, NonceUse> _used = new(StringComparer.Ordinal);

    public DigestAuthenticator(string realm, TimeSpan nonceLifetime, TimeProvider time)
    {
        Realm = realm;
        NonceLifetime = nonceLifetime;
        _time = time;
    }

    public string Realm { get; }

    public TimeSpan NonceLifetime { get; }

    // MD5 is what SIP digest (RFC 2617) and GB/T 28181-2016 §9.1.2.1 prescribe; devices speak nothing else.
#pragma warning disable CA5351
    public static string Md5Hex(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351

    /// <summary>HA1 = MD5(username:realm:password), RFC 2617 §3.2.2.2.</summary>
    public static string Ha1(string username, string realm, string password) => Md5Hex($"{username}:{realm}:{password}");

    /// <summary>The value of a <c>WWW-Authenticate</c> header with a fresh nonce; <paramref name="stale"/> tells the peer only the nonce was old.</summary>
    public string Challenge(bool stale = false) =>
        $"Digest realm=\"{Realm}\", nonce=\"{NewNonce()}\", algorithm=MD5" + (stale ? ", stale=true" : "");

    public string NewNonce()
    {
        var issued = _time.GetUtcNow().ToUnixTimeMilliseconds().ToString("x", CultureInfo.InvariantCulture);
        var salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        return $"{issued}.{salt}.{Sign(issued + "." + salt)}";
    }

    /// <summary>
    /// Checks the credentials of a request from <paramref name="expectedUser"/>. <paramref name="ha1"/> is the stored
    /// HA1 for that user, or null when the user is unknown (then the answer is <see cref="DigestVerdict.WrongResponse"/>,
    /// indistinguishable from a wrong password).
    /// </summary>
    public DigestVerdict Verify(DigestCredentials credentials, string method, string expectedUser, string? ha1)
    {
        if (!string.Equals(credentials.Realm, Realm, StringComparison.Ordinal))
        {
            return DigestVerdict.WrongRealm;
        }

        if (!string.Equals(credentials.Username, expectedUser, StringComparison.Ordinal))
        {
            return DigestVerdict.WrongUser;
        }

        if (credentials.Algorithm is { } algorithm && !algorithm.Equals("MD5", StringComparison.OrdinalIgnoreCase))
        {
            return DigestVerdict.UnsupportedAlgorithm;
        }

        var nonceAge = NonceAge(credentials.Nonce);
        if (nonceAge is null)
        {
            return DigestVerdict.ForgedNonce;
        }

        if (nonceAge > NonceLifetime)
        {
            return DigestVerdict.StaleNonce;
        }

        var qop = credentials.Qop;
        if (qop is not null && (qop != "auth" || credentials.Cnonce is null || credentials.Nc is not { Length: 8 }))
        {
            return DigestVerdict.Malformed;
        }

        long count = 0;
        if (qop is not null && !long.TryParse(credentials.Nc, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out count))
        {
            return DigestVerdict.Malformed;
        }

        var ha2 = Md5Hex($"{method}:{credentials.Uri}");
        var expected = ha1 is null ? null : qop is null
            ? Md5Hex($"{ha1}:{credentials.Nonce}:{ha2}")
            : Md5Hex($"{ha1}:{credentials.Nonce}:{credentials.Nc}:{credentials.Cnonce}:{qop}:{ha2}");
        if (!Use(credentials.Nonce, qop is null ? -1 : count))
        {
            return DigestVerdict.Replayed;
        }

        return expected is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(credentials.Response.ToLowerInvariant()))
            ? DigestVerdict.Accepted
            : DigestVerdict.WrongResponse;
    }

    private TimeSpan? NonceAge(string nonce)
    {
        var parts = nonce.Split('.');
        if (parts.Length != 3 || !long.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var issued)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(parts[0] + "." + parts[1])), Encoding.ASCII.GetBytes(parts[2])))
        {
            return null;
        }

        var age = TimeSpan.FromMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds() - issued);
        return age < TimeSpan.Zero ? null : age;
    }

    /// <summary>Records a use of a nonce: once without qop (count -1), or with a count above the last one.</summary>
    private bool Use(string nonce, long count)
    {
        var now = _time.GetUtcNow();
        if (_used.Count > MaxTrackedNonces)
        {
            foreach (var old in _used)
            {
                if (now - old.Value.Issued > NonceLifetime)
                {
                    _used.TryRemove(old.Key, out _);
                }
            }
        }

        var use = _used.GetOrAdd(nonce, _ => new NonceUse(now));
        lock (use)
        {
            if (use.Count == long.MaxValue || (count < 0 && use.Count != long.MinValue) || (count >= 0 && count <= use.Count))
            {
                return false;
            }

            use.Count = count < 0 ? long.MaxValue : count; // MaxValue: used once without qop, never again.
            return true;
        }
    }

    private string Sign(string text) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(text)))[..24];

    private sealed class NonceUse(DateTimeOffset issued)
    {
        public DateTimeOffset Issued { get; } = issued;

        public long Count { get; set; } = long.MinValue;
    }
}
