using System.Diagnostics.Metrics;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.TimeSeries;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Gateway.TimeSeries;

/// <summary>
/// The time-series counters on <c>/metrics</c>: the writer's own (<see cref="WriterInstruments"/>, meter
/// <c>SmartCommunity.TimeSeries</c>) and the embedded store's maintenance passes.
/// </summary>
public sealed class TimeSeriesMetrics
{
    private readonly Counter? _maintenanceRuns;
    private readonly Counter? _maintenanceErrors;
    private double _maintenanceLastSeconds;

    public TimeSeriesMetrics(MetricsRegistry registry, IMeterFactory meters, IPointWriter writer, TimeSeriesOptions options)
    {
        WriterInstruments.Publish(meters, writer, options.Mode == TimeSeriesMode.InfluxDb ? "influxdb" : "embedded");
        if (options.Mode == TimeSeriesMode.Embedded)
        {
            _maintenanceRuns = registry.Counter("sc_timeseries_embedded_maintenance_runs", "Retention and roll-up passes of the embedded store.");
            _maintenanceErrors = registry.Counter("sc_timeseries_embedded_maintenance_errors", "Failed retention and roll-up passes.");
            registry.Gauge("sc_timeseries_embedded_maintenance_seconds", "Duration of the last retention and roll-up pass.", () => Volatile.Read(ref _maintenanceLastSeconds));
        }
    }

    internal long MaintenanceRuns => _maintenanceRuns?.Value ?? 0;

    internal void MaintenanceDone(TimeSpan took, bool failed)
    {
        (failed ? _maintenanceErrors : _maintenanceRuns)?.Inc();
        Volatile.Write(ref _maintenanceLastSeconds, took.TotalSeconds);
    }
}
