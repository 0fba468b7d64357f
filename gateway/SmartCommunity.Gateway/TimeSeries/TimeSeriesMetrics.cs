using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.TimeSeries;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Gateway.TimeSeries;

/// <summary>
/// The writer's counters on <c>/metrics</c>, named after Telegraf's <c>internal_write</c> (buffer_size, buffer_limit,
/// metrics_added, metrics_written, metrics_dropped, errors), plus the embedded store's maintenance counters. All are
/// gauges read from the writer at scrape time (the writer owns the numbers; the registry only renders them).
/// </summary>
public sealed class TimeSeriesMetrics
{
    private long _maintenanceRuns;
    private long _maintenanceErrors;
    private double _maintenanceLastSeconds;

    public TimeSeriesMetrics(MetricsRegistry registry, IPointWriter writer, TimeSeriesOptions options)
    {
        var mode = ("mode", options.Mode == TimeSeriesMode.InfluxDb ? "influxdb" : "embedded");
        registry.Gauge("sc_timeseries_info", "1, labelled with the store in use.", () => 1, mode);
        Read(registry, writer, "sc_timeseries_buffer_size", "Points in memory waiting to be written.", c => c.BufferSize);
        Read(registry, writer, "sc_timeseries_buffer_limit", "Points the buffer holds before telemetry is dropped.", c => c.BufferLimit);
        Read(registry, writer, "sc_timeseries_metrics_added", "Points accepted by the writer since start (counter).", c => c.PointsAdded);
        Read(registry, writer, "sc_timeseries_metrics_written", "Points the store acknowledged since start (counter).", c => c.PointsWritten);
        const string dropped = "sc_timeseries_metrics_dropped";
        const string droppedHelp = "Points dropped since start, by reason (counter).";
        Read(registry, writer, dropped, droppedHelp, c => c.DroppedBufferFull, ("reason", "buffer_full"));
        Read(registry, writer, dropped, droppedHelp, c => c.DroppedSpoolFull, ("reason", "spool_full"));
        Read(registry, writer, dropped, droppedHelp, c => c.DroppedRejected, ("reason", "rejected"));
        Read(registry, writer, "sc_timeseries_durable_refused", "Durable points refused because the buffer was full (counter; the caller kept them).", c => c.DurableRefused);
        Read(registry, writer, "sc_timeseries_retries", "Failed writes that will be tried again (counter).", c => c.Retries);
        Read(registry, writer, "sc_timeseries_errors", "Failed writes of any kind (counter).", c => c.Errors);
        Read(registry, writer, "sc_timeseries_config_errors", "Writes answered 401/403/404: credentials, database or bucket wrong (counter).", c => c.ConfigErrors);
        Read(registry, writer, "sc_timeseries_spool_bytes", "Bytes in the on-disk spool (InfluxDB mode).", c => c.SpoolBytes);
        Read(registry, writer, "sc_timeseries_spool_points", "Points in the on-disk spool (InfluxDB mode).", c => c.SpoolPoints);
        Read(registry, writer, "sc_timeseries_spool_files", "Files in the on-disk spool (InfluxDB mode).", c => c.SpoolFiles);
        if (options.Mode == TimeSeriesMode.Embedded)
        {
            registry.Gauge("sc_timeseries_embedded_maintenance_runs", "Retention and roll-up passes of the embedded store (counter).", () => Interlocked.Read(ref _maintenanceRuns));
            registry.Gauge("sc_timeseries_embedded_maintenance_errors", "Failed retention and roll-up passes (counter).", () => Interlocked.Read(ref _maintenanceErrors));
            registry.Gauge("sc_timeseries_embedded_maintenance_seconds", "Duration of the last retention and roll-up pass.", () => Volatile.Read(ref _maintenanceLastSeconds));
        }
    }

    internal long MaintenanceRuns => Interlocked.Read(ref _maintenanceRuns);

    internal void MaintenanceDone(TimeSpan took, bool failed)
    {
        Interlocked.Increment(ref failed ? ref _maintenanceErrors : ref _maintenanceRuns);
        Volatile.Write(ref _maintenanceLastSeconds, took.TotalSeconds);
    }

    private static void Read(MetricsRegistry registry, IPointWriter writer, string name, string help, Func<TimeSeriesCounters, long> value, params (string Key, string Value)[] labels) =>
        registry.Gauge(name, help, () => value(writer.GetCounters()), labels);
}
