using System.Text.RegularExpressions;

namespace SmartCommunity.Media;

/// <summary>What kind of input a URL is, and how to show it without its secrets. Pure functions.</summary>
public static partial class MediaUrl
{
    public const string Redacted = "***";

    /// <summary>The URL's scheme in lower case; <c>file</c> for a plain path.</summary>
    public static string SchemeOf(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var colon = url.IndexOf("://", StringComparison.Ordinal);
        return colon > 0 ? url[..colon].ToLowerInvariant() : "file";
    }

    /// <summary>
    /// A live stream (a camera) rather than a recording: restarted when it ends, and its oldest frame dropped when
    /// analysis falls behind. A file is analysed once and whole.
    /// </summary>
    public static bool IsLive(string url) => SchemeOf(url) is "rtsp" or "rtsps" or "http" or "https" or "rtmp" or "udp" or "tcp" or "srt";

    /// <summary>Masks <c>user:password@</c> in URLs and password-like query parameters.</summary>
    public static string MaskCredentials(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var masked = UserInfo().Replace(text, m => m.Groups["user"].Value + ":" + Redacted + "@");
        return SecretParameter().Replace(masked, m => m.Groups["key"].Value + "=" + Redacted);
    }

    /// <summary>
    /// Removes the given secrets (as written and percent-encoded, as ffmpeg echoes input URLs in its errors) and any
    /// password in a URL from a text, so no log line, status or API answer carries them.
    /// </summary>
    public static string Scrub(string text, IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(secrets);
        // Longest first: a password that contains the user name must not be left half-replaced.
        foreach (var secret in secrets.OfType<string>().Where(s => s.Length > 0).OrderByDescending(s => s.Length))
        {
            text = text.Replace(Uri.EscapeDataString(secret), Redacted, StringComparison.Ordinal)
                .Replace(secret, Redacted, StringComparison.Ordinal);
        }

        return MaskCredentials(text);
    }

    [GeneratedRegex(@"(?<=://)(?<user>[^:/@\s]*)(:[^/\s]*)?@")]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"(?<key>password|passwd|pwd|token|secret|key|auth)=[^&\s]*", RegexOptions.IgnoreCase)]
    private static partial Regex SecretParameter();
}
