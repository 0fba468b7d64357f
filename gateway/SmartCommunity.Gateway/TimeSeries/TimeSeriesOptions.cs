using System.ComponentModel.DataAnnotations;
using SmartCommunity.TimeSeries;
using SmartCommunity.TimeSeries.Storage;

namespace SmartCommunity.Gateway.TimeSeries;

/// <summary>Which store holds the gateway's time series.</summary>
public enum TimeSeriesMode
{
    /// <summary>SQLite file <c>{Storage:DataDirectory}/timeseries.db</c> with retention and downsampling. No server needed.</summary>
    Embedded,

    /// <summary>An InfluxDB server (<see cref="TimeSeriesOptions.Influx"/>), with the on-disk spool for outages.</summary>
    InfluxDb,
}

/// <summary>Section <c>TimeSeries</c>. One switch (<see cref="Mode"/>); every default is stated on its property.</summary>
public sealed class TimeSeriesOptions : IValidatableObject
{
    public const string Section = "TimeSeries";

    /// <summary>Default <see cref="TimeSeriesMode.Embedded"/>.</summary>
    public TimeSeriesMode Mode { get; set; } = TimeSeriesMode.Embedded;

    /// <summary>How often gateway metrics (ingest rates, rejects, devices online) are sampled into the store. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most buckets one API query may return ((to − from) / interval). Default 2 000.</summary>
    [Range(10, 100_000)]
    public int MaxPointsPerQuery { get; set; } = 2_000;

    /// <summary>Embedded mode: points held in memory before telemetry is dropped (counted). Default 50 000.</summary>
    [Range(100, 10_000_000)]
    public int EmbeddedBufferLimit { get; set; } = 50_000;

    /// <summary>Embedded mode: retention and downsampling (<see cref="SqliteStoreOptions"/>; section <c>TimeSeries:Embedded</c>).
    /// <c>DatabasePath</c> defaults to <c>{Storage:DataDirectory}/timeseries.db</c>.</summary>
    public SqliteStoreOptions Embedded { get; set; } = new();

    /// <summary>InfluxDB mode: the library's <see cref="InfluxOptions"/> (section <c>TimeSeries:Influx</c>).
    /// <c>SpoolDirectory</c> defaults to <c>{Storage:DataDirectory}/influx-spool</c>.</summary>
    public InfluxOptions Influx { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        string? error = null;
        try
        {
            if (Mode == TimeSeriesMode.InfluxDb)
            {
                Influx.Validate();
            }
            else
            {
                Embedded.Validate();
            }
        }
        catch (InvalidOperationException ex)
        {
            // The library's messages name options, never their values, so no credential reaches the log.
            error = ex.Message;
        }

        if (error is not null)
        {
            yield return new ValidationResult(error, [Mode == TimeSeriesMode.InfluxDb ? nameof(Influx) : nameof(Embedded)]);
        }
    }
}
