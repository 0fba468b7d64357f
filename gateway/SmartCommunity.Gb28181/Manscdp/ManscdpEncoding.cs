using System.Text;
using System.Text.RegularExpressions;

namespace SmartCommunity.Gb28181.Manscdp;

/// <summary>
/// Text encodings of MANSCDP bodies. GB/T 28181 devices declare <c>GB2312</c> in the XML prolog but often write GBK or
/// GB18030 characters outside it (rare surnames, 𠮷), so every GB declaration is decoded as GB18030, a superset that
/// reads GB2312 and GBK bytes the same; without a declaration the body is UTF-8 (XML 1.0 §4.3.3).
/// </summary>
public static partial class ManscdpEncoding
{
    static ManscdpEncoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>GB18030 (code page 54936), from the shared framework's code pages provider.</summary>
    public static Encoding Gb18030 { get; } = CodePages(54936);

    /// <summary>The encoding the prolog declares (GB family as GB18030), UTF-8 when none; null for one we do not read.</summary>
    public static Encoding? Declared(ReadOnlySpan<byte> body)
    {
        var prolog = Encoding.ASCII.GetString(body[..Math.Min(body.Length, 200)]);
        var match = EncodingAttribute().Match(prolog);
        if (!match.Success)
        {
            return Encoding.UTF8;
        }

        return match.Groups[1].Value.ToUpperInvariant() switch
        {
            "GB2312" or "GBK" or "GB18030" or "CP936" => Gb18030,
            "UTF-8" or "UTF8" => Encoding.UTF8,
            "US-ASCII" or "ASCII" or "ISO-8859-1" => Encoding.Latin1,
            _ => null,
        };
    }

    private static Encoding CodePages(int codePage)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(codePage);
    }

    [GeneratedRegex("""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_\-]+)["']""", RegexOptions.CultureInvariant)]
    private static partial Regex EncodingAttribute();
}
