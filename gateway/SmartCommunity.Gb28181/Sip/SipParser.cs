using System.Globalization;
using System.Text;

namespace SmartCommunity.Gb28181.Sip;

/// <summary>Bounds on what a peer may send before it is trusted: a message larger than these is refused unread.</summary>
/// <param name="MaxMessageBytes">Head and body together. Default 64 KiB, the most a UDP datagram can carry.</param>
/// <param name="MaxHeaders">Header lines. Default 64; a GB/T 28181 message has about 12.</param>
/// <param name="MaxHeaderLineBytes">One header line. Default 4 KiB; Authorization, the longest, is about 400 bytes.</param>
public sealed record SipLimits(int MaxMessageBytes = 65_536, int MaxHeaders = 64, int MaxHeaderLineBytes = 4_096)
{
    public static SipLimits Default { get; } = new();
}

public enum SipParseStatus
{
    Complete,

    /// <summary>A stream holds only part of a message so far (TCP); read more and try again.</summary>
    Incomplete,

    Invalid,
}

/// <summary>The outcome of parsing: a message and the bytes it took, or the reason it was refused.</summary>
public readonly record struct SipParseResult(SipParseStatus Status, SipMessage? Message, int Consumed, string? Reason)
{
    public static SipParseResult Refused(string reason) => new(SipParseStatus.Invalid, null, 0, reason);
}

/// <summary>
/// Parses SIP messages (RFC 3261 §7) within <see cref="SipLimits"/>. Refusal reasons are short stable codes
/// (<c>oversized</c>, <c>bad-start-line</c>, …) used as metric labels.
/// </summary>
public static class SipParser
{
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    /// <summary>One UDP datagram: the whole datagram is one message; without Content-Length the body runs to its end (RFC 3261 §18.3).</summary>
    public static SipParseResult ParseDatagram(ReadOnlySpan<byte> datagram, SipLimits limits)
    {
        var result = Parse(datagram, limits, stream: false);
        return result.Status == SipParseStatus.Incomplete ? SipParseResult.Refused("truncated") : result;
    }

    /// <summary>The next message from a TCP stream buffer; Content-Length is required (RFC 3261 §18.3).</summary>
    public static SipParseResult ParseStream(ReadOnlySpan<byte> buffer, SipLimits limits) => Parse(buffer, limits, stream: true);

    private static SipParseResult Parse(ReadOnlySpan<byte> data, SipLimits limits, bool stream)
    {
        // RFC 3261 §7.5: keepalive CRLFs between messages on a stream are ignored.
        var skipped = 0;
        while (stream && data.Length - skipped >= 2 && data[skipped] == '\r' && data[skipped + 1] == '\n')
        {
            skipped += 2;
        }

        data = data[skipped..];
        var headEnd = data.IndexOf(HeadEnd);
        if (headEnd < 0)
        {
            return data.Length >= limits.MaxMessageBytes ? SipParseResult.Refused("oversized")
                : stream ? new(SipParseStatus.Incomplete, null, 0, null)
                : data.Length == 0 ? SipParseResult.Refused("empty") : SipParseResult.Refused("no-end-of-headers");
        }

        if (headEnd + 4 > limits.MaxMessageBytes)
        {
            return SipParseResult.Refused("oversized");
        }

        string head;
        try
        {
            head = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(data[..headEnd]);
        }
        catch (DecoderFallbackException)
        {
            return SipParseResult.Refused("bad-encoding");
        }

        var lines = head.Split("\r\n");
        var message = StartLine(lines[0]);
        if (message is null)
        {
            return SipParseResult.Refused("bad-start-line");
        }

        var error = Headers(message, lines, limits);
        if (error is not null)
        {
            return SipParseResult.Refused(error);
        }

        var bodyStart = headEnd + 4;
        var declared = message.Get("Content-Length");
        int length;
        if (declared is null)
        {
            if (stream)
            {
                return SipParseResult.Refused("no-content-length");
            }

            length = data.Length - bodyStart;
        }
        else if (!int.TryParse(declared, NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > limits.MaxMessageBytes)
        {
            return SipParseResult.Refused(length > limits.MaxMessageBytes ? "oversized" : "bad-content-length");
        }

        if (bodyStart + length > limits.MaxMessageBytes)
        {
            return SipParseResult.Refused("oversized");
        }

        if (data.Length - bodyStart < length)
        {
            return stream ? new(SipParseStatus.Incomplete, null, 0, null) : SipParseResult.Refused("truncated");
        }

        message.Body = data.Slice(bodyStart, length).ToArray();
        return new(SipParseStatus.Complete, message, skipped + bodyStart + length, null);
    }

    private static SipMessage? StartLine(string line)
    {
        var parts = line.Split(' ', 3);
        if (parts.Length < 3)
        {
            return null;
        }

        if (parts[0] == "SIP/2.0")
        {
            return parts[1].Length == 3 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status is >= 100 and <= 699
                ? SipMessage.Response(status, parts[2])
                : null;
        }

        return parts[2] == "SIP/2.0" && IsToken(parts[0]) && parts[1].Length > 4 && !parts[1].Contains(' ', StringComparison.Ordinal)
            ? SipMessage.Request(parts[0], parts[1])
            : null;
    }

    private static string? Headers(SipMessage message, string[] lines, SipLimits limits)
    {
        string? name = null;
        string? value = null;
        var count = 0;
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length > limits.MaxHeaderLineBytes)
            {
                return "header-too-long";
            }

            if (line.Length > 0 && line[0] is ' ' or '\t')
            {
                // RFC 3261 §7.3.1: a line starting with white space continues the previous header.
                if (name is null)
                {
                    return "bad-header";
                }

                value += " " + line.Trim();
                if (value.Length > limits.MaxHeaderLineBytes)
                {
                    return "header-too-long";
                }

                continue;
            }

            if (name is not null)
            {
                message.Add(name, value!);
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !IsToken(line.AsSpan(0, colon).TrimEnd()) || ++count > limits.MaxHeaders)
            {
                return count > limits.MaxHeaders ? "too-many-headers" : "bad-header";
            }

            name = line[..colon].TrimEnd();
            value = line[(colon + 1)..].Trim();
            if (value.Any(char.IsControl))
            {
                return "bad-header";
            }
        }

        if (name is not null)
        {
            message.Add(name, value!);
        }

        // RFC 3261 §8.1.1: every request and response carries these.
        foreach (var required in (string[])["Via", "From", "To", "Call-ID", "CSeq"])
        {
            if (message.Get(required) is null)
            {
                return "missing-" + required.ToLowerInvariant();
            }
        }

        return message.CSeq is null ? "bad-cseq" : null;
    }

    // RFC 3261 §25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
    private static bool IsToken(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && "-.!%*_+`'~".IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return false;
            }
        }

        return true;
    }
}
