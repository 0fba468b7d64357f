using SmartCommunity.Vision.Lines;
using SmartCommunity.Vision.Motion;
using SmartCommunity.Vision.Tracking;
using SmartCommunity.Vision.Zones;

namespace SmartCommunity.Vision.Pipeline;

/// <summary>Everything one camera's analysis needs besides its frame source and detector.</summary>
public sealed class CameraPipelineOptions
{
    public required string CameraId { get; init; }

    public MotionOptions Motion { get; init; } = new();

    public TrackerOptions Tracker { get; init; } = new();

    public IReadOnlyList<ZoneDefinition> Zones { get; init; } = [];

    public IReadOnlyList<CountingLineDefinition> Lines { get; init; } = [];

    /// <summary>Decoded frames waiting for analysis. Default 2 (Frigate's): when analysis falls behind, the oldest
    /// waiting frame is dropped and counted, so analysis always works on a recent frame and memory stays flat.</summary>
    public int QueueCapacity { get; init; } = 2;

    /// <summary>When the queue is full, make the source wait instead of dropping the oldest frame. Default false (a live
    /// camera must not fall behind); set it for a recording, which is then analysed whole, as fast as the workers go.</summary>
    public bool WaitWhenBehind { get; init; }

    /// <summary>Events waiting for the consumer; past this the oldest is dropped and counted. Default 1024.</summary>
    public int EventCapacity { get; init; } = 1024;

    /// <summary>Restart the source when it ends cleanly (a camera closing the stream). Default true; set false to
    /// analyse a file once.</summary>
    public bool RestartAtEndOfStream { get; init; } = true;

    /// <summary>First backoff step before restarting a failed source; doubles up to <see cref="MaxRestartDelay"/>, each
    /// wait half to all of its step (<see cref="SmartCommunity.Resilience.Backoff"/>). Default 2 s.</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Largest backoff step between restarts. Default 60 s.</summary>
    public TimeSpan MaxRestartDelay { get; init; } = TimeSpan.FromSeconds(60);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(CameraId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(QueueCapacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EventCapacity);
    }
}

/// <summary>Per-camera counters; a consistent-enough snapshot for metrics.</summary>
/// <param name="FramesDecoded">Frames the source delivered.</param>
/// <param name="FramesAnalysed">Frames that went through motion (and, on motion, detection).</param>
/// <param name="FramesDropped">Frames dropped from the full queue because analysis was behind.</param>
/// <param name="DetectorRuns">Frames on which the object detector ran.</param>
/// <param name="EventsDropped">Events dropped because nobody read them.</param>
/// <param name="SourceRestarts">Times the source was restarted after failing or ending.</param>
/// <param name="AnalysisErrors">Frames whose analysis threw (logged; the pipeline goes on).</param>
public sealed record CameraCounters(
    long FramesDecoded, long FramesAnalysed, long FramesDropped, long DetectorRuns, long EventsDropped, long SourceRestarts, long AnalysisErrors);
