using SmartCommunity.Vision.Pipeline;
using SmartCommunity.Vision.Sources;

namespace SmartCommunity.Vision.Hosting;

/// <summary>Where a hosted camera's analysis stands.</summary>
public enum CameraAnalysisState
{
    /// <summary>Started; no frame decoded yet (connecting, probing).</summary>
    Starting,

    /// <summary>Frames are flowing.</summary>
    Running,

    /// <summary>The stream failed, stalled or ended; the pipeline restarts it with backoff (see the last error).</summary>
    Restarting,

    /// <summary>A finite source (a file) ended and was analysed to its end; it is not restarted.</summary>
    Ended,

    /// <summary>Stopped by the host (camera removed, reconfigured, or shutdown).</summary>
    Stopped,
}

/// <summary>A hosted camera's analysis at one moment: state, the pipeline's counters, and what went wrong last.</summary>
/// <param name="EventsPublished">Events the sink accepted.</param>
/// <param name="EventsRefused">Events the sink refused or failed on (lost; counted).</param>
/// <param name="SnapshotFailures">Event snapshots that could not be encoded (the event went out without one).</param>
/// <param name="LastStop">Why the stream last stopped (reason, frames, ffmpeg's last lines with credentials masked).</param>
/// <param name="LastStopAt">When it last stopped.</param>
public sealed record CameraAnalysisStatus(
    string CameraId,
    CameraAnalysisState State,
    CameraCounters Counters,
    long EventsPublished,
    long EventsRefused,
    long SnapshotFailures,
    FrameSourceStop? LastStop,
    DateTimeOffset? LastStopAt);
