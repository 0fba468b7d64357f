using System.Diagnostics.Metrics;

namespace SmartCommunity.TimeSeries.Writing;

/// <summary>
/// A writer's <see cref="TimeSeriesCounters"/> as System.Diagnostics.Metrics instruments on the meter
/// <c>SmartCommunity.TimeSeries</c>, named after Telegraf's <c>internal_write</c> (buffer_size, buffer_limit,
/// metrics_added, metrics_written, metrics_dropped, errors). Counts since start are <see cref="ObservableCounter{T}"/>s,
/// levels <see cref="ObservableGauge{T}"/>s; both read the writer when they are collected (the writer keeps the numbers).
/// </summary>
public static class WriterInstruments
{
    public const string MeterName = "SmartCommunity.TimeSeries";

    /// <summary>Creates the instruments on the host's meter; <paramref name="mode"/> labels <c>sc_timeseries_info</c>.</summary>
    public static Meter Publish(IMeterFactory meters, IPointWriter writer, string mode)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(writer);
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("sc_timeseries_info", () => new Measurement<long>(1, new KeyValuePair<string, object?>("mode", mode)),
            description: "1, labelled with the store in use.");
        Gauge(meter, writer, "sc_timeseries_buffer_size", "Points in memory waiting to be written.", c => c.BufferSize);
        Gauge(meter, writer, "sc_timeseries_buffer_limit", "Points the buffer holds before telemetry is dropped.", c => c.BufferLimit);
        Count(meter, writer, "sc_timeseries_metrics_added", "Points accepted by the writer since start.", c => c.PointsAdded);
        Count(meter, writer, "sc_timeseries_metrics_written", "Points the store acknowledged since start.", c => c.PointsWritten);
        meter.CreateObservableCounter("sc_timeseries_metrics_dropped", () =>
        {
            var c = writer.GetCounters();
            return (Measurement<long>[])[Reason(c.DroppedBufferFull, "buffer_full"), Reason(c.DroppedSpoolFull, "spool_full"), Reason(c.DroppedRejected, "rejected")];
        }, description: "Points dropped since start, by reason.");
        Count(meter, writer, "sc_timeseries_durable_refused", "Durable points refused because the buffer was full (the caller kept them).", c => c.DurableRefused);
        Count(meter, writer, "sc_timeseries_retries", "Failed writes that will be tried again.", c => c.Retries);
        Count(meter, writer, "sc_timeseries_errors", "Failed writes of any kind.", c => c.Errors);
        Count(meter, writer, "sc_timeseries_config_errors", "Writes answered 401/403/404: credentials, database or bucket wrong.", c => c.ConfigErrors);
        Gauge(meter, writer, "sc_timeseries_spool_bytes", "Bytes in the on-disk spool (InfluxDB mode).", c => c.SpoolBytes);
        Gauge(meter, writer, "sc_timeseries_spool_points", "Points in the on-disk spool (InfluxDB mode).", c => c.SpoolPoints);
        Gauge(meter, writer, "sc_timeseries_spool_files", "Files in the on-disk spool (InfluxDB mode).", c => c.SpoolFiles);
        Count(meter, writer, "sc_timeseries_spool_damaged_files", "Spool files set aside as damaged (*.lp.damaged), their points lost.", c => c.SpoolDamagedFiles);
        return meter;
    }

    private static Measurement<long> Reason(long value, string reason) => new(value, new KeyValuePair<string, object?>("reason", reason));

    private static void Count(Meter meter, IPointWriter writer, string name, string help, Func<TimeSeriesCounters, long> read) =>
        meter.CreateObservableCounter(name, () => read(writer.GetCounters()), description: help);

    private static void Gauge(Meter meter, IPointWriter writer, string name, string help, Func<TimeSeriesCounters, long> read) =>
        meter.CreateObservableGauge(name, () => read(writer.GetCounters()), description: help);
}
