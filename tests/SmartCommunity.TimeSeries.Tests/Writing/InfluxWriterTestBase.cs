using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Tests.Support;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.TimeSeries.Tests.Writing;

/// <summary>What every writer test starts from: a fake InfluxDB, a spool folder of its own, small batches and short waits.</summary>
public abstract class InfluxWriterTestBase : IDisposable
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    protected TempDirectory Temp { get; } = new();

    protected FakeInfluxHandler Influx { get; } = new();

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Temp.Dispose();
        }
    }

    protected InfluxOptions Options(Action<InfluxOptions>? tweak = null)
    {
        var o = new InfluxOptions
        {
            ServerUrl = new Uri("http://influx.test:8086/"),
            Database = "community",
            SpoolDirectory = Temp.Sub("spool"),
            BatchSize = 100,
            BufferLimit = 1000,
            FlushInterval = TimeSpan.FromMilliseconds(20),
            RetryInitialDelay = TimeSpan.FromMilliseconds(5),
            RetryMaxDelay = TimeSpan.FromMilliseconds(40),
        };
        tweak?.Invoke(o);
        return o;
    }

    protected InfluxWriter Writer(InfluxOptions options, TimeProvider? time = null, CapturingLogger<InfluxWriter>? logger = null) =>
        new(options, new HttpClient(Influx), time, logger);

    protected static Point P(int i, Durability d = Durability.Telemetry, string m = "level") =>
        new Point(m, d).Tag("station", "s1").Field("v", i).At(T0.AddSeconds(i));
}
