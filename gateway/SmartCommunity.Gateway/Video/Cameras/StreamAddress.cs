using SmartCommunity.Media;
using SmartCommunity.Media.Input;

namespace SmartCommunity.Gateway.Video.Cameras;

/// <summary>
/// A camera's stream as the ffmpeg module reads it (URL and credentials kept apart; they meet only in the input list
/// ffmpeg reads from its stdin), and scrubbing of the credentials out of anything ffmpeg says back, so no log line
/// or API answer carries them.
/// </summary>
public static class StreamAddress
{
    public const string Redacted = MediaUrl.Redacted;

    public static StreamSource Source(string url, CameraStreams streams) => new(url, streams.Username, streams.Password);

    /// <summary>Removes credentials from a text ffmpeg wrote (it echoes input URLs in its errors).</summary>
    public static string Scrub(string text, CameraStreams streams) => MediaUrl.Scrub(text, [streams.Password, streams.Username]);
}
