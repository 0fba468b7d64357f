using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SmartCommunity.Vision.Frames;

namespace SmartCommunity.Vision.Sources;

/// <summary>Builds ffmpeg's command line for a frame source and renders it safely for logs. Pure functions.</summary>
public static partial class FfmpegArguments
{
    public static IReadOnlyList<string> Build(FrameSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var args = new List<string> { "-hide_banner", "-nostdin", "-loglevel", "error" };
        if (options.DecoderThreads > 0)
        {
            // The filter graph (fps, scale) gets its own thread pool otherwise; one camera, one core's worth of threads.
            args.AddRange(["-filter_threads", options.DecoderThreads.ToString(CultureInfo.InvariantCulture)]);
        }

        var scheme = SchemeOf(options.Url);
        if (scheme is "rtsp" or "rtsps")
        {
            // TCP: UDP loses packets on busy links and smears frames; the socket timeout (µs) ends a dead camera.
            args.AddRange(["-rtsp_transport", "tcp", "-timeout", Micros(options.StallTimeout)]);
        }
        else if (scheme is "http" or "https")
        {
            args.AddRange(["-rw_timeout", Micros(options.StallTimeout)]);
        }

        if (options.Realtime)
        {
            args.Add("-re");
        }

        if (options.DecoderThreads > 0)
        {
            args.AddRange(["-threads", options.DecoderThreads.ToString(CultureInfo.InvariantCulture)]);
        }

        args.AddRange(["-i", options.Url]);
        // Drop frames before scaling, so only the detect rate is scaled; bilinear is plenty for motion at 100 px.
        var filter = string.Create(CultureInfo.InvariantCulture, $"fps={options.Fps},scale={options.Width}:{options.Height}:flags=bilinear");
        args.AddRange(["-an", "-sn", "-dn", "-vf", filter]);
        args.AddRange(["-pix_fmt", options.PixelFormat == FramePixelFormat.Gray ? "gray" : "yuv420p", "-f", "rawvideo", "pipe:1"]);
        return args;
    }

    /// <summary>The command line for logs, with passwords and tokens in URLs replaced by <c>***</c>.</summary>
    public static string ToLogString(string ffmpegPath, IEnumerable<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var sb = new StringBuilder(ffmpegPath);
        foreach (var arg in args)
        {
            var masked = MaskCredentials(arg);
            sb.Append(' ').Append(masked.Contains(' ', StringComparison.Ordinal) ? $"\"{masked}\"" : masked);
        }

        return sb.ToString();
    }

    /// <summary>Masks <c>user:password@</c> in URLs and password-like query parameters.</summary>
    public static string MaskCredentials(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var masked = UserInfo().Replace(text, m => m.Groups["user"].Value + ":***@");
        return SecretParameter().Replace(masked, m => m.Groups["key"].Value + "=***");
    }

    /// <summary>
    /// A live stream (a camera) rather than a recording: restarted when it ends, and its oldest frame dropped when
    /// analysis falls behind. A file is analysed once and whole.
    /// </summary>
    public static bool IsLive(string url) => SchemeOf(url) is "rtsp" or "rtsps" or "http" or "https" or "rtmp" or "udp" or "tcp" or "srt";

    /// <summary>The URL's scheme in lower case; <c>file</c> for a plain path.</summary>
    public static string SchemeOf(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var colon = url.IndexOf("://", StringComparison.Ordinal);
        return colon > 0 ? url[..colon].ToLowerInvariant() : "file";
    }

    private static string Micros(TimeSpan t) => ((long)t.TotalMicroseconds).ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(?<=://)(?<user>[^:/@\s]*)(:[^/\s]*)?@")]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"(?<key>password|passwd|pwd|token|secret|key|auth)=[^&\s]*", RegexOptions.IgnoreCase)]
    private static partial Regex SecretParameter();
}
