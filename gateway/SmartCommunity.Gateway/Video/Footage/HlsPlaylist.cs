using System.Globalization;
using System.Text;
using SmartCommunity.Gateway.Video.Recording;

namespace SmartCommunity.Gateway.Video.Footage;

/// <summary>
/// An HLS VOD playlist (RFC 8216) over indexed segments: each segment with its <c>EXT-X-PROGRAM-DATE-TIME</c> (so a
/// player shows wall-clock time and the dashboard can seek to an event), <c>EXT-X-DISCONTINUITY</c> where a recorder
/// run changes or footage is missing (timestamps restart there), and <c>EXT-X-ENDLIST</c>.
/// </summary>
public static class HlsPlaylist
{
    /// <summary>A gap longer than this between segments is shown as a discontinuity.</summary>
    private const long GapMs = 500;

    public static string Build(IReadOnlyList<VideoSegment> segments, Func<VideoSegment, string> uri)
    {
        var text = new StringBuilder();
        text.Append("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-PLAYLIST-TYPE:VOD\n");
        // RFC 8216 4.3.3.1: every EXTINF rounded to the nearest integer must not exceed the target duration.
        var target = segments.Count == 0 ? 1 : (long)Math.Ceiling(segments.Max(s => s.DurationMs) / 1000.0);
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-TARGETDURATION:{Math.Max(1, target)}\n#EXT-X-MEDIA-SEQUENCE:0\n");
        VideoSegment? previous = null;
        foreach (var segment in segments)
        {
            if (previous is not null && (previous.Run != segment.Run || segment.StartMs - previous.EndMs > GapMs))
            {
                text.Append("#EXT-X-DISCONTINUITY\n");
            }

            text.Append("#EXT-X-PROGRAM-DATE-TIME:")
                .Append(DateTimeOffset.FromUnixTimeMilliseconds(segment.StartMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append('\n');
            text.Append(CultureInfo.InvariantCulture, $"#EXTINF:{segment.DurationMs / 1000.0:0.000},\n").Append(uri(segment)).Append('\n');
            previous = segment;
        }

        text.Append("#EXT-X-ENDLIST\n");
        return text.ToString();
    }
}
