using SmartCommunity.Vision.Hosting;

namespace SmartCommunity.Gateway.VideoAnalysis;

/// <summary>A camera analysed in the gateway: its analysis, what it was started from, and its sampled frame rates.</summary>
internal sealed class HostedCamera(CameraAnalysis analysis, string fingerprint, CameraMetrics metrics, TimeProvider time)
{
    private readonly Lock _lock = new();
    private CameraAnalysisStatus? _previous;
    private long _previousAt;
    private double _fpsDecoded, _fpsAnalysed;

    public CameraAnalysis Analysis => analysis;

    public string Fingerprint => fingerprint;

    /// <summary>Adds the counters' progress to <c>/metrics</c> and computes frame rates since the last sample.</summary>
    public void Sample()
    {
        lock (_lock)
        {
            var status = analysis.Status;
            var now = time.GetTimestamp();
            if (_previous is { } previous)
            {
                var seconds = time.GetElapsedTime(_previousAt, now).TotalSeconds;
                if (seconds > 0)
                {
                    _fpsDecoded = (status.Counters.FramesDecoded - previous.Counters.FramesDecoded) / seconds;
                    _fpsAnalysed = (status.Counters.FramesAnalysed - previous.Counters.FramesAnalysed) / seconds;
                }
            }

            metrics.Add(status, newPipeline: _previous is null);
            (_previous, _previousAt) = (status, now);
        }
    }

    public AnalysisView View()
    {
        double decoded, analysed;
        lock (_lock)
        {
            (decoded, analysed) = (_fpsDecoded, _fpsAnalysed);
        }

        LineCountView[] lines = [.. analysis.Pipeline.Lines.Select(l => new LineCountView(l.Line.Id, l.InCount, l.OutCount))];
        string[] zones = [.. analysis.Pipeline.Zones.Select(z => z.Zone.Id)];
        return AnalysisView.From(analysis.Status, decoded, analysed, lines, zones);
    }
}
