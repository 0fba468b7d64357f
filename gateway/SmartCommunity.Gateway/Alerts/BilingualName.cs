using System.Text.RegularExpressions;

namespace SmartCommunity.Gateway.Alerts;

/// <summary>
/// Registry names are written "中文 English" ("清溪小学 Qingxi Primary School (shelter)"). A text the gateway composes
/// in one language takes that language's part, so a Chinese alert, a Chinese voice warning or a Chinese sign carries
/// no English, and an English one no Chinese. The dashboard's <c>name()</c> in <c>i18n.js</c> splits the same way.
/// A name with only one language is used whole in both.
/// </summary>
public static partial class BilingualName
{
    /// <summary>The Chinese part of <paramref name="name"/>, or the whole name when it has no English part.</summary>
    public static string Zh(string? name) => Split(name).Zh;

    /// <summary>The English part of <paramref name="name"/>, or the whole name when it has no Chinese part.</summary>
    public static string En(string? name) => Split(name).En;

    private static (string Zh, string En) Split(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return ("", "");
        }

        var match = ChineseThenEnglish().Match(name);
        return match.Success ? (match.Groups[1].Value.Trim(), match.Groups[2].Value.Trim()) : (name, name);
    }

    // Chinese first (any non-Latin text holding at least one CJK ideograph), then the English after a space.
    [GeneratedRegex(@"^([^A-Za-z]*[\u3400-\u9fff][^A-Za-z]*?)\s+([A-Za-z].*)$", RegexOptions.Singleline)]
    private static partial Regex ChineseThenEnglish();
}
