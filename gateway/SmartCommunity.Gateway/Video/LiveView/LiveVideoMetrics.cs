using SmartCommunity.Gateway.Infrastructure.Metrics;

namespace SmartCommunity.Gateway.Video.LiveView;

/// <summary>Live view on <c>/metrics</c>: who is watching now, how many streams run for them, and what went wrong.</summary>
public sealed class LiveVideoMetrics
{
    internal LiveVideoMetrics(MetricsRegistry metrics, LiveVideoHub hub)
    {
        metrics.Gauge("sc_video_live_viewers", "People watching a camera live now (one per open live view).", () => hub.Viewers);
        metrics.Gauge("sc_video_live_streams", "Camera streams remuxed for live view now (one ffmpeg each, shared by its viewers).", () => hub.Streams);
        StreamsStarted = metrics.Counter("sc_video_live_streams_started_total", "Live streams started (someone began watching a camera nobody was watching).");
        StreamsFailed = metrics.Counter("sc_video_live_streams_failed_total", "Live streams that ended without being stopped (camera gone, ffmpeg failed, not H.264).");
        ViewersTooSlow = metrics.Counter("sc_video_live_viewers_cut_total", "Viewers cut off because they fell too far behind (slow link); their browser reconnects.");
    }

    public Counter StreamsStarted { get; }

    public Counter StreamsFailed { get; }

    public Counter ViewersTooSlow { get; }
}
