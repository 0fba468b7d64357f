using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Vision.Hosting;

namespace SmartCommunity.Gateway.VideoAnalysis;

/// <summary>The frame path's counters on <c>/metrics</c>: per camera (label <c>camera</c>) and for the feature.</summary>
public sealed class AnalysisMetrics(MetricsRegistry registry)
{
    public Counter SnapshotSaveFailures { get; } = registry.Counter("sc_video_analysis_snapshot_failures_total",
        "Event snapshots that could not be encoded or stored (the event went out without one).");

    public Counter InvalidCameras { get; } = registry.Counter("sc_video_analysis_invalid_config_total",
        "Cameras whose analysis settings (zones, lines, detect size) were refused; the camera is not analysed.");

    /// <summary>Registers the per-state camera gauge once; <paramref name="countIn"/> counts cameras in a state.</summary>
    public void TrackStates(Func<string, int> countIn)
    {
        foreach (var state in Enum.GetNames<CameraAnalysisState>().Append(AnalysisView.InvalidState))
        {
            var name = state.ToLowerInvariant();
            registry.Gauge("sc_video_analysis_cameras", "Cameras analysed in the gateway, by state.", () => countIn(name), ("state", name));
        }
    }

    public CameraMetrics For(string cameraId) => new(registry, cameraId);
}

/// <summary>One camera's counters. Created once per camera; pipeline counters are added as deltas, so a pipeline
/// restarted by a reconfiguration keeps the totals monotonic.</summary>
public sealed class CameraMetrics
{
    private readonly Counter _decoded, _analysed, _dropped, _detectorRuns, _published, _refused, _eventsDropped, _restarts, _errors;
    private CameraAnalysisStatus? _last;

    public CameraMetrics(MetricsRegistry registry, string cameraId)
    {
        var label = ("camera", cameraId);
        _decoded = registry.Counter("sc_video_analysis_frames_decoded_total", "Frames decoded from the camera's analysis stream.", label);
        _analysed = registry.Counter("sc_video_analysis_frames_analysed_total", "Frames that went through motion (and, on motion, person) detection.", label);
        _dropped = registry.Counter("sc_video_analysis_frames_dropped_total", "Frames dropped from the queue of 2 because analysis was behind.", label);
        _detectorRuns = registry.Counter("sc_video_analysis_detector_runs_total", "Frames on which the person detector ran.", label);
        _published = registry.Counter("sc_video_analysis_events_total", "Events handed to the ingest pipeline.", label);
        _refused = registry.Counter("sc_video_analysis_events_refused_total", "Events the ingest refused or that were left at a stop (lost).", label);
        _eventsDropped = registry.Counter("sc_video_analysis_events_dropped_total", "Events dropped because more than 1024 waited for delivery (lost).", label);
        _restarts = registry.Counter("sc_video_analysis_source_restarts_total", "Times the stream was restarted after failing, stalling or ending.", label);
        _errors = registry.Counter("sc_video_analysis_errors_total", "Frames whose analysis threw (logged; analysis goes on).", label);
    }

    /// <summary>Adds what changed since the last status of the same pipeline; a new pipeline starts from zero.</summary>
    public void Add(CameraAnalysisStatus status, bool newPipeline)
    {
        var last = newPipeline ? null : _last;
        var c = status.Counters;
        var p = last?.Counters;
        _decoded.Add(c.FramesDecoded - (p?.FramesDecoded ?? 0));
        _analysed.Add(c.FramesAnalysed - (p?.FramesAnalysed ?? 0));
        _dropped.Add(c.FramesDropped - (p?.FramesDropped ?? 0));
        _detectorRuns.Add(c.DetectorRuns - (p?.DetectorRuns ?? 0));
        _eventsDropped.Add(c.EventsDropped - (p?.EventsDropped ?? 0));
        _restarts.Add(c.SourceRestarts - (p?.SourceRestarts ?? 0));
        _errors.Add(c.AnalysisErrors - (p?.AnalysisErrors ?? 0));
        _published.Add(status.EventsPublished - (last?.EventsPublished ?? 0));
        _refused.Add(status.EventsRefused - (last?.EventsRefused ?? 0));
        _last = status;
    }
}
