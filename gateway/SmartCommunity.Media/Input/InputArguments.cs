using System.Globalization;
using System.Text;

namespace SmartCommunity.Media.Input;

/// <summary>
/// Builds how ffmpeg and ffprobe open a stream — the one place for the network options that were repeated per tool.
/// <para>
/// A network stream (rtsp, rtsps, http, https) is never named on the command line, which every local user can read
/// (<c>ps</c>, <c>/proc/PID/cmdline</c>). ffmpeg is told <c>-f concat -safe 0 -i pipe:0</c> and reads a one-entry
/// concat list from its stdin: <c>file 'rtsp://user:pass@…'</c> followed by the input's options as <c>option</c>
/// directives (ffmpeg-formats, "concat": the <c>option</c> directive, since ffmpeg 5.0). The concat demuxer opens the
/// stream with those options and passes its packets through unchanged; measured with ffmpeg 5.1: the same segments
/// and warnings as opening the URL directly. <c>-protocol_whitelist</c> (inherited by the inner input) keeps the
/// stream to its own protocols plus <c>pipe</c> for the list.
/// </para>
/// </summary>
public static class InputArguments
{
    /// <summary>The protocols a stream of this scheme may use (an HLS playlist naming <c>file:</c> segments is refused).</summary>
    public static string ProtocolWhitelist(string url) => MediaUrl.SchemeOf(url) switch
    {
        "file" => "file",
        "http" or "https" => "http,https,tcp,tls,crypto",
        _ => "rtsp,rtsps,rtp,srtp,udp,tcp,tls",
    };

    /// <summary>
    /// How to open <paramref name="source"/>. <paramref name="ioTimeout"/> ends a silent network stream (ffmpeg's
    /// socket timeout); <paramref name="loopFile"/> reads a local file at its own rate, looped (a clip standing in
    /// for a camera); <paramref name="realtime"/> reads a file at its own rate once; <paramref name="extraOptions"/> are
    /// more options for opening the stream (<c>-key value</c>, or <c>option</c> lines in the list).
    /// </summary>
    public static MediaInput Build(StreamSource source, TimeSpan ioTimeout, bool loopFile = false, bool realtime = false, IReadOnlyList<(string Key, string Value)>? extraOptions = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var scheme = MediaUrl.SchemeOf(source.Url);
        (string, string)[]? options = scheme switch
        {
            // TCP: UDP loses packets on busy links and smears frames; the socket timeout (µs) ends a dead camera.
            "rtsp" or "rtsps" => [("rtsp_transport", "tcp"), ("timeout", Micros(ioTimeout)), .. extraOptions ?? []],
            "http" or "https" => [("rw_timeout", Micros(ioTimeout)), .. extraOptions ?? []],
            _ => null,
        };
        // Only a stream with a secret goes through the list: measured, a stream through the concat demuxer that stalls
        // hands over fewer of its last frames before the stall than one opened directly (BadStreamTests), so
        // streams without secrets keep the direct path.
        if (options is not null && HasSecret(source))
        {
            return new MediaInput(
                ["-protocol_whitelist", "pipe," + ProtocolWhitelist(source.Url), "-f", "concat", "-safe", "0", "-i", "pipe:0"],
                ConcatList(source.WithCredentials(), options),
                source.Secrets,
                "input list for " + source.ForLog);
        }

        var args = new List<string>();
        foreach (var (key, value) in options ?? extraOptions ?? [])
        {
            args.AddRange(["-" + key, value]);
        }

        if (scheme is "file" or "rtsp" or "rtsps" or "http" or "https")
        {
            args.AddRange(["-protocol_whitelist", ProtocolWhitelist(source.Url)]);
        }

        if (loopFile && scheme == "file")
        {
            args.AddRange(["-re", "-stream_loop", "-1"]);
        }
        else if (realtime)
        {
            args.Add("-re");
        }

        // Other live schemes (rtmp, udp, srt: the edge agent's own cameras) carry no separate credentials.
        args.AddRange(["-i", source.WithCredentials()]);
        return new MediaInput(args, null, source.Secrets);
    }

    /// <summary>Credentials beside the URL, or in it (user info, a password-like query parameter).</summary>
    private static bool HasSecret(StreamSource source) =>
        source.HasCredentials || !string.Equals(MediaUrl.MaskCredentials(source.Url), source.Url, StringComparison.Ordinal);

    /// <summary>A one-entry ffconcat list (ffmpeg-formats, "concat"): strings quoted with <c>'</c>, a quote written <c>'\''</c>.</summary>
    internal static string ConcatList(string url, IEnumerable<(string Key, string Value)> options)
    {
        if (url.Any(char.IsControl))
        {
            throw new ArgumentException("A stream URL must not contain control characters.", nameof(url));
        }

        var list = new StringBuilder("ffconcat version 1.0\n");
        list.Append("file ").Append(Quote(url)).Append('\n');
        foreach (var (key, value) in options)
        {
            list.Append("option ").Append(key).Append(' ').Append(Quote(value)).Append('\n');
        }

        return list.ToString();
    }

    private static string Quote(string value) => "'" + value.Replace("'", @"'\''", StringComparison.Ordinal) + "'";

    private static string Micros(TimeSpan t) => ((long)t.TotalMicroseconds).ToString(CultureInfo.InvariantCulture);
}
