using System.Globalization;
using System.Text;

namespace SmartCommunity.Gb28181.Sip;

/// <summary>
/// A SIP request or response (RFC 3261 §7): start line, headers in their order, body bytes. Header names are kept
/// as written; lookups accept the compact forms of RFC 3261 §7.3.3 (v, f, t, i, m, l, c).
/// </summary>
public sealed class SipMessage
{
    private readonly List<KeyValuePair<string, string>> _headers = [];

    private SipMessage(string? method, string? uri, int status, string? reason)
    {
        Method = method;
        RequestUri = uri;
        StatusCode = status;
        ReasonPhrase = reason;
    }

    /// <summary>The request method (REGISTER, MESSAGE, INVITE, …), null for a response.</summary>
    public string? Method { get; }

    public string? RequestUri { get; }

    /// <summary>The status code of a response, 0 for a request.</summary>
    public int StatusCode { get; }

    public string? ReasonPhrase { get; }

    public bool IsRequest => Method is not null;

    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    public ReadOnlyMemory<byte> Body { get; set; } = ReadOnlyMemory<byte>.Empty;

    public static SipMessage Request(string method, string uri) => new(method, uri, 0, null);

    public static SipMessage Response(int status, string reason) => new(null, null, status, reason);

    /// <summary>A response to <paramref name="request"/> carrying its Via, From, To, Call-ID and CSeq (RFC 3261 §8.2.6.2).</summary>
    public static SipMessage ResponseTo(SipMessage request, int status, string reason, string? toTag = null)
    {
        var response = Response(status, reason);
        foreach (var via in request.GetAll("Via"))
        {
            response.Add("Via", via);
        }

        response.Add("From", request.Get("From") ?? "");
        var to = request.Get("To") ?? "";
        response.Add("To", toTag is not null && !to.Contains(";tag=", StringComparison.OrdinalIgnoreCase) ? to + ";tag=" + toTag : to);
        response.Add("Call-ID", request.Get("Call-ID") ?? "");
        response.Add("CSeq", request.Get("CSeq") ?? "");
        return response;
    }

    public SipMessage Add(string name, string value)
    {
        _headers.Add(new(name, value));
        return this;
    }

    public SipMessage Set(string name, string value)
    {
        _headers.RemoveAll(h => SipHeaderNames.Same(h.Key, name));
        return Add(name, value);
    }

    public string? Get(string name)
    {
        foreach (var header in _headers)
        {
            if (SipHeaderNames.Same(header.Key, name))
            {
                return header.Value;
            }
        }

        return null;
    }

    public IEnumerable<string> GetAll(string name)
    {
        foreach (var header in _headers)
        {
            if (SipHeaderNames.Same(header.Key, name))
            {
                yield return header.Value;
            }
        }
    }

    /// <summary>The CSeq number and method, or null when the header is missing or malformed.</summary>
    public (long Number, string Method)? CSeq
    {
        get
        {
            var value = Get("CSeq");
            var space = value?.IndexOf(' ', StringComparison.Ordinal) ?? -1;
            return space > 0 && long.TryParse(value.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? (n, value![(space + 1)..].Trim())
                : null;
        }
    }

    public string? CallId => Get("Call-ID");

    /// <summary>The user part of the From URI (a GB/T 28181 device ID for a device).</summary>
    public string? FromUser => SipUri.UserOf(Get("From"));

    public string? ToUser => SipUri.UserOf(Get("To"));

    /// <summary>Serializes with a Content-Length that matches the body (any Content-Length set by hand is replaced).</summary>
    public byte[] ToBytes()
    {
        var builder = new StringBuilder(512);
        if (IsRequest)
        {
            builder.Append(Method).Append(' ').Append(RequestUri).Append(" SIP/2.0\r\n");
        }
        else
        {
            builder.Append("SIP/2.0 ").Append(StatusCode.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(ReasonPhrase).Append("\r\n");
        }

        foreach (var header in _headers)
        {
            if (!SipHeaderNames.Same(header.Key, "Content-Length"))
            {
                builder.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
            }
        }

        builder.Append("Content-Length: ").Append(Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        var head = Encoding.UTF8.GetBytes(builder.ToString());
        var bytes = new byte[head.Length + Body.Length];
        head.CopyTo(bytes, 0);
        Body.Span.CopyTo(bytes.AsSpan(head.Length));
        return bytes;
    }

    public override string ToString() => IsRequest ? $"{Method} {RequestUri}" : $"{StatusCode} {ReasonPhrase}";
}

internal static class SipHeaderNames
{
    // RFC 3261 §7.3.3 compact forms.
    private static readonly Dictionary<string, string> Compact = new(StringComparer.OrdinalIgnoreCase)
    {
        ["v"] = "Via", ["f"] = "From", ["t"] = "To", ["i"] = "Call-ID", ["m"] = "Contact", ["l"] = "Content-Length", ["c"] = "Content-Type",
    };

    public static string Full(string name) => name.Length == 1 && Compact.TryGetValue(name, out var full) ? full : name;

    public static bool Same(string a, string b) => string.Equals(Full(a), Full(b), StringComparison.OrdinalIgnoreCase);
}
