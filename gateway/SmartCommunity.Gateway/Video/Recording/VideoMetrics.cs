using SmartCommunity.Gateway.Infrastructure.Metrics;

namespace SmartCommunity.Gateway.Video.Recording;

/// <summary>Counters of the recording side: what was indexed, repaired, thrown away, and how often recorders failed.</summary>
public sealed class VideoMetrics(MetricsRegistry metrics)
{
    public Counter SegmentsIndexed { get; } = metrics.Counter("sc_video_segments_indexed_total", "Closed segments written to the index.");

    public Counter SegmentsRepaired { get; } = metrics.Counter("sc_video_segments_repaired_total", "Half-written segments (crash, stop) indexed from what ffprobe read in them.");

    public Counter SegmentsDiscarded { get; } = metrics.Counter("sc_video_segments_discarded_total", "Half-written segments deleted because nothing playable was in them.");

    public Counter RecorderRestarts { get; } = metrics.Counter("sc_video_recorder_restarts_total", "Recorder (ffmpeg) restarts after an exit or a stall.");

    public Counter RecorderStalls { get; } = metrics.Counter("sc_video_recorder_stalls_total", "Recorders killed because no segment closed in time.");

    public Counter BadSegmentLines { get; } = metrics.Counter("sc_video_segment_list_rejected_total", "Segment-list lines from ffmpeg that could not be read (the file is repaired later instead).");

    public Counter SegmentsDeleted { get; } = metrics.Counter("sc_video_segments_deleted_total", "Segments deleted by retention (days or the disk guard).");

    public Counter EventStoreRetries { get; } = metrics.Counter("sc_storage_retries_total", DoorAccess.Events.DoorEventLog.StoreRetriesHelp, ("store", "camera_events"));

    public Counter EventsIndexed { get; } = metrics.Counter("sc_video_events_indexed_total", "Camera events bookmarked.");

    public Counter QueueFullWaits { get; } = metrics.Counter("sc_video_events_queue_full_total", "Camera events that waited for room in the bookmark queue (the camera was held back).");

    public Counter EventsDropped { get; } = metrics.Counter("sc_video_events_dropped_total", "Camera events not bookmarked (queue full or store error).");

    public Counter ClipsExported { get; } = metrics.Counter("sc_video_clips_exported_total", "Clips exported.");

    public Counter ClipsFailed { get; } = metrics.Counter("sc_video_clips_failed_total", "Clip exports that failed.");
}
