using System.Globalization;

namespace SmartCommunity.Gb28181.Sip;

/// <summary>A <c>WWW-Authenticate: Digest …</c> challenge (RFC 2617 §3.2.1) as a client reads it.</summary>
public sealed record DigestChallenge(string Realm, string Nonce, string? Opaque, bool QopAuth, string Algorithm)
{
    /// <summary>Null when the header is not an MD5 digest challenge with realm and nonce.</summary>
    public static DigestChallenge? Parse(string? header)
    {
        if (header is null || header.Length > 2048 || !header.StartsWith("Digest ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var text = header[7..];
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && text[i] is ' ' or ',' or '\t')
            {
                i++;
            }

            var eq = text.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }

            var name = text[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var close = text.IndexOf('"', i + 1);
                if (close < 0)
                {
                    return null;
                }

                value = text[(i + 1)..close];
                i = close + 1;
            }
            else
            {
                var end = text.IndexOf(',', i);
                value = (end < 0 ? text[i..] : text[i..end]).Trim();
                i = end < 0 ? text.Length : end;
            }

            values[name] = value;
        }

        var algorithm = values.GetValueOrDefault("algorithm") ?? "MD5";
        if (!values.TryGetValue("realm", out var realm) || !values.TryGetValue("nonce", out var nonce) || nonce.Length == 0
            || !algorithm.Equals("MD5", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var qop = values.GetValueOrDefault("qop")?.Split(',').Any(q => q.Trim().Equals("auth", StringComparison.OrdinalIgnoreCase)) == true;
        return new DigestChallenge(realm, nonce, values.GetValueOrDefault("opaque"), qop, "MD5");
    }

    /// <summary>
    /// The <c>Authorization</c> header answering this challenge (RFC 2617 §3.2.2): MD5, with <c>qop=auth</c>, a fresh
    /// cnonce and nonce count 1 when the challenge offers it.
    /// </summary>
    public string Authorization(string username, string password, string method, string uri, string cnonce)
    {
        var ha1 = DigestAuthenticator.Ha1(username, Realm, password);
        var ha2 = DigestAuthenticator.Md5Hex(method + ":" + uri);
        const string nc = "00000001";
        var response = QopAuth
            ? DigestAuthenticator.Md5Hex($"{ha1}:{Nonce}:{nc}:{cnonce}:auth:{ha2}")
            : DigestAuthenticator.Md5Hex($"{ha1}:{Nonce}:{ha2}");
        var header = $"Digest username=\"{username}\", realm=\"{Realm}\", nonce=\"{Nonce}\", uri=\"{uri}\", response=\"{response}\", algorithm=MD5";
        if (QopAuth)
        {
            header += string.Create(CultureInfo.InvariantCulture, $", qop=auth, nc={nc}, cnonce=\"{cnonce}\"");
        }

        return Opaque is null ? header : header + $", opaque=\"{Opaque}\"";
    }
}
