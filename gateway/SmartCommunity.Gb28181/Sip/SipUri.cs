namespace SmartCommunity.Gb28181.Sip;

/// <summary>Just enough of RFC 3261 §19.1 and §20 to read the parts GB/T 28181 peers put in From, To and Contact.</summary>
public static class SipUri
{
    /// <summary>The user part of the first <c>sip:user@host</c> in a header value, or null.</summary>
    public static string? UserOf(string? header)
    {
        if (header is null)
        {
            return null;
        }

        var start = header.IndexOf("sip:", StringComparison.OrdinalIgnoreCase);
        if (start < 0)
        {
            return null;
        }

        start += 4;
        var at = header.IndexOf('@', start);
        var end = header.IndexOfAny(['>', ';', ' '], start);
        return at > start && (end < 0 || at < end) ? header[start..at] : null;
    }

    /// <summary>The <c>host[:port]</c> of the first <c>sip:</c> URI in a header value, or null.</summary>
    public static string? HostOf(string? header)
    {
        var start = header?.IndexOf("sip:", StringComparison.OrdinalIgnoreCase) ?? -1;
        if (start < 0)
        {
            return null;
        }

        start += 4;
        var at = header!.IndexOf('@', start);
        var end = header.IndexOfAny(['>', ';', ' '], start);
        if (at >= 0 && (end < 0 || at < end))
        {
            start = at + 1;
        }

        return (end < 0 ? header[start..] : header[start..end]).Trim();
    }

    /// <summary>A parameter of a header value (<c>;tag=abc</c>, <c>;branch=z9hG4bK…</c>), or null.</summary>
    public static string? Param(string? header, string name)
    {
        if (header is null)
        {
            return null;
        }

        foreach (var part in header.Split(';'))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part.AsSpan(0, eq).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                var value = part[(eq + 1)..].Trim();
                var close = value.IndexOf('>', StringComparison.Ordinal);
                return close >= 0 ? value[..close] : value;
            }
        }

        return null;
    }
}
