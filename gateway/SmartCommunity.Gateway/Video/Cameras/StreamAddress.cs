namespace SmartCommunity.Gateway.Video.Cameras;

/// <summary>
/// Turns a camera's stream into what ffmpeg reads (credentials put into the URL only here, at the last moment)
/// and scrubs them out of anything ffmpeg says back, so no log line or API answer carries them.
/// </summary>
public static class StreamAddress
{
    public const string Redacted = "***";

    /// <summary>The input argument for ffmpeg/ffprobe: a local path for <c>file:</c> URLs, else the URL with credentials.</summary>
    public static string ForFfmpeg(string url, CameraStreams streams)
    {
        var uri = new Uri(url);
        if (uri.IsFile)
        {
            return uri.LocalPath;
        }

        if (streams.Username is null && streams.Password is null)
        {
            return url;
        }

        return new UriBuilder(uri)
        {
            UserName = Uri.EscapeDataString(streams.Username ?? ""),
            Password = Uri.EscapeDataString(streams.Password ?? ""),
        }.Uri.AbsoluteUri;
    }

    /// <summary>
    /// The protocols ffmpeg may open for this URL (<c>-protocol_whitelist</c>), so a stream cannot redirect ffmpeg
    /// to local files or other protocols (an HLS playlist over HTTP naming <c>file:</c> segments, for instance).
    /// </summary>
    public static string ProtocolWhitelist(string url) => new Uri(url).Scheme switch
    {
        "file" => "file",
        "http" or "https" => "http,https,tcp,tls,crypto",
        _ => "rtsp,rtsps,rtp,srtp,udp,tcp,tls",
    };

    /// <summary>Removes credentials from a text ffmpeg wrote (it echoes input URLs in its errors).</summary>
    public static string Scrub(string text, CameraStreams streams)
    {
        foreach (var secret in new[] { streams.Password, streams.Username })
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(Uri.EscapeDataString(secret), Redacted, StringComparison.Ordinal)
                    .Replace(secret, Redacted, StringComparison.Ordinal);
            }
        }

        return System.Text.RegularExpressions.Regex.Replace(text, @"//[^/\s@]*@", "//" + Redacted + "@", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
    }
}
