using SmartCommunity.Vision.Hosting;

namespace SmartCommunity.Gateway.VideoAnalysis;

/// <summary>One camera's analysis as staff see it in <c>GET /api/video/analysis</c>.</summary>
/// <param name="State">starting, running, restarting, ended, stopped, or invalid (settings refused: see <paramref name="LastError"/>).</param>
/// <param name="FpsDecoded">Frames per second decoded over the last status interval.</param>
/// <param name="FpsAnalysed">Frames per second analysed over the last status interval.</param>
/// <param name="LastError">Why the stream last stopped (ffmpeg's words, credentials masked) or why the settings were refused.</param>
/// <param name="Lines">Running in/out totals of the camera's counting lines since its pipeline started.</param>
/// <param name="Zones">The IDs of the zones the running pipeline watches (what the region editor saved, once the analysis restarted with it).</param>
public sealed record AnalysisView(
    string CameraId,
    string State,
    double FpsDecoded,
    double FpsAnalysed,
    long FramesDecoded,
    long FramesAnalysed,
    long FramesDropped,
    long DetectorRuns,
    long EventsPublished,
    long EventsRefused,
    long EventsDropped,
    long SourceRestarts,
    long AnalysisErrors,
    string? LastStopReason,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    IReadOnlyList<LineCountView> Lines,
    IReadOnlyList<string> Zones)
{
    public const string InvalidState = "Invalid";

    public static AnalysisView Invalid(string cameraId, string error, DateTimeOffset at) =>
        new(cameraId, InvalidState.ToLowerInvariant(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, error, at, [], []);

    public static AnalysisView From(CameraAnalysisStatus status, double fpsDecoded, double fpsAnalysed, IReadOnlyList<LineCountView> lines, IReadOnlyList<string> zones)
    {
        var c = status.Counters;
        return new AnalysisView(status.CameraId, status.State.ToString().ToLowerInvariant(), Math.Round(fpsDecoded, 2), Math.Round(fpsAnalysed, 2),
            c.FramesDecoded, c.FramesAnalysed, c.FramesDropped, c.DetectorRuns, status.EventsPublished, status.EventsRefused, c.EventsDropped,
            c.SourceRestarts, c.AnalysisErrors, status.LastStop?.Reason.ToString(), status.LastStop?.Detail, status.LastStopAt, lines, zones);
    }
}

/// <summary>A counting line's totals.</summary>
public sealed record LineCountView(string Id, long In, long Out);
