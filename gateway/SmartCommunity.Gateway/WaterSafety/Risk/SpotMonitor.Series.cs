using SmartCommunity.Gateway.TimeSeries;
using SmartCommunity.Gateway.WaterSafety.Levels;
using SmartCommunity.Gateway.WaterSafety.Spots;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Storage;

namespace SmartCommunity.Gateway.WaterSafety.Risk;

/// <summary>
/// The spot monitor and the time-series store: it writes each spot's level and risk (<c>water_risk</c>, docs/timeseries.md)
/// and, at start, reads the stations' recent readings back so the rate of rise is known at once after a restart.
/// </summary>
public sealed partial class SpotMonitor
{
    /// <summary>Longest the start waits for the store (an unreachable InfluxDB): after it, the windows fill from new readings.</summary>
    private static readonly TimeSpan ReloadBudget = TimeSpan.FromSeconds(15);

    private readonly Dictionary<string, int> _reloaded = new(StringComparer.Ordinal);

    /// <summary>Readings read back per station at start (set before the loop runs), for tests and the log.</summary>
    public IReadOnlyDictionary<string, int> Reloaded => _reloaded;

    private LevelWindow WindowOf(string station)
    {
        if (!_windows.TryGetValue(station, out var window))
        {
            _windows[station] = window = new LevelWindow(_options.RiseWindow, _options.MaxSamplesPerStation);
        }

        return window;
    }

    /// <summary>
    /// Fills each station's window with its readings of the last <see cref="WaterSafetyOptions.RiseWindow"/> from the store
    /// (<c>water_level</c>/<c>level_m</c>, written by <see cref="DeviceSeriesHandler"/> at the device's time). Buckets of one
    /// second keep every reading a station sends at its usual pace (the rise-rate pairs need ≥ 30 s anyway); the last value
    /// of a bucket stands for it. A store that fails or is slow costs only the reload: the loop starts without it.
    /// </summary>
    private async Task ReloadWindowsAsync(CancellationToken stoppingToken)
    {
        var now = _time.GetUtcNow();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        budget.CancelAfter(ReloadBudget);
        foreach (var (station, spots) in _spots.Index.ByStation)
        {
            IReadOnlyList<SeriesPoint> points;
            try
            {
                points = await _history.QuerySeriesAsync(
                    new SeriesQuery(SeriesNames.WaterLevel, "level_m", now - _options.RiseWindow, now + TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), Aggregation.Last)
                    {
                        Tags = new Dictionary<string, string>(StringComparer.Ordinal) { [SeriesNames.DeviceTag] = station },
                    },
                    budget.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                _logger.LogWarning(ex, "Could not read the recent levels of station {Station} back from the time-series store; its rate of rise is unknown until new readings arrive", station);
                if (budget.IsCancellationRequested)
                {
                    break;
                }

                continue;
            }

            if (points.Count == 0)
            {
                continue;
            }

            var window = WindowOf(station);
            foreach (var point in points)
            {
                // The reading's own time stands for when it was heard: the silence check then counts from it.
                window.Add(new LevelSample(point.Time.ToUnixTimeMilliseconds(), point.Value), point.Time);
            }

            _reloaded[station] = points.Count;
            var (level, rise) = window.Estimate(_options.RiseMinSamples, _options.RiseMinSpan);
            foreach (var spot in spots)
            {
                var state = State(spot.Id);
                state.LevelM = level;
                state.RiseMPerHour = rise;
                Evaluate(spot, state);
            }
        }

        if (_reloaded.Count > 0)
        {
            _logger.LogInformation("Level windows reloaded from the time-series store: {Stations}", string.Join(", ", _reloaded.Select(r => $"{r.Key} ({r.Value})")));
        }
    }

    private void WriteRiskPoint(HazardousSpot spot, SpotState state, DateTimeOffset now)
    {
        var point = new Point(SeriesNames.WaterRisk).Tag("spot", spot.Id).Field("risk", (long)state.Level).At(now);
        if (!string.IsNullOrEmpty(spot.CellId))
        {
            point.Tag(SeriesNames.CellTag, spot.CellId);
        }

        if (state.LevelM is { } level)
        {
            point.Field("level_m", level);
        }

        _series.TryWrite(point); // telemetry: a full buffer drops it and counts it (sc_timeseries_metrics_dropped)
    }
}
