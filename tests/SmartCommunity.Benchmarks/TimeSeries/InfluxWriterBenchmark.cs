// The Benchmarks project reaches SmartCommunity.TimeSeries only once it references it: the Gateway project stopped
// referencing it (commit 3e5d2a0), and this folder's owner may not edit the Benchmarks csproj. Until that one line is
// added (<ProjectReference Include="../../gateway/SmartCommunity.TimeSeries/SmartCommunity.TimeSeries.csproj" /> and
// <DefineConstants>$(DefineConstants);TIMESERIES_BENCHMARK</DefineConstants>), this file compiles to nothing so the
// other benchmarks keep building. See docs/timeseries.md, "Benchmark".
using System.Diagnostics;
using System.Globalization;
using System.Net;
using SmartCommunity.Benchmarks.Harness;
using SmartCommunity.TimeSeries;
using SmartCommunity.TimeSeries.Hosting;
using SmartCommunity.TimeSeries.LineProtocol;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Benchmarks.TimeSeries;

/// <summary>
/// Points per second into a real influxd: through <see cref="InfluxWriter"/> (creating, encoding, batching and sending
/// every point) against plain HttpClient POSTs of the same batches encoded before the clock starts. Rounds alternate
/// so both sides see the same server warm-up and compaction.
/// </summary>
public sealed class InfluxWriterBenchmark : IBenchmark
{
    private const int BatchSize = 5_000;
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Stations = [.. Enumerable.Range(0, 100).Select(i => "station-" + i.ToString(CultureInfo.InvariantCulture))];

    public string Name => "influx";

    public string Description => "points/s through InfluxWriter to a real influxd vs HttpClient POSTs of the same pre-encoded 5 000-line batches";

    public async Task<BenchmarkReport> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        // Many short rounds, order rotating, median of the per-round ratios: the machine is shared and noisy, and a
        // neighbour's build lands on one side of a pair far less often than across a whole run.
        var pointsPerRound = options.Quick ? 20_000 : 50_000;
        var rounds = options.Quick ? 8 : 40;
        await using var server = await InfluxDbProcess.StartAsync(Path.Combine(options.WorkDirectory, "influxd"), cancellationToken: cancellationToken);
        using var http = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromMinutes(1) };
        foreach (var db in new[] { "warmup", "baseline", "writer", "inline", "gzip" })
        {
            await server.CreateDatabaseAsync(db, cancellationToken);
        }

        // Long-lived writers, as in the gateway; each side writes the same points into its own database.
        await using var writer = new InfluxWriter(WriterOptions(server.Url, "writer", options.WorkDirectory, gzip: false), http);
        await using var inline = new InfluxWriter(WriterOptions(server.Url, "inline", options.WorkDirectory, gzip: false), http);
        await using (var warm = new InfluxWriter(WriterOptions(server.Url, "warmup", options.WorkDirectory, gzip: false), http))
        {
            await BaselineAsync(http, server.Url, "warmup", Encode(0, 20_000), cancellationToken);
            await WriterRoundAsync(warm, 20_000, 20_000, precreate: true, cancellationToken);
        }

        double baselineSeconds = 0, writerSeconds = 0, inlineSeconds = 0, baselineCpu = 0, writerCpu = 0;
        long points = 0, allocated = 0;
        var writerRatios = new List<double>();
        var inlineRatios = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var offset = round * pointsPerRound;
            var batches = Encode(offset, pointsPerRound);
            double b = 0, w = 0, i = 0;
            var steps = new List<Func<Task>>
            {
                async () =>
                {
                    b = await BaselineAsync(http, server.Url, "baseline", batches, cancellationToken);
                    baselineCpu += _lastCpu;
                },
                async () =>
                {
                    var (seconds, bytes) = await WriterRoundAsync(writer, offset, pointsPerRound, precreate: true, cancellationToken);
                    w = seconds;
                    allocated += bytes;
                    writerCpu += _lastCpu;
                },
                async () => i = (await WriterRoundAsync(inline, offset, pointsPerRound, precreate: false, cancellationToken)).Seconds,
            };
            for (var k = 0; k < steps.Count; k++)
            {
                await steps[(k + round) % steps.Count]();
            }

            baselineSeconds += b;
            writerSeconds += w;
            inlineSeconds += i;
            writerRatios.Add(b / w);
            inlineRatios.Add(b / i);
            points += pointsPerRound;
        }

        var baselineRate = points / baselineSeconds;
        var writerRate = points / writerSeconds;
        var inlineRate = points / inlineSeconds;
        var report = new BenchmarkReport(Name)
            .Add("HttpClient POST of pre-encoded batches (baseline)", baselineRate, "points/s")
            .Add("InfluxWriter: WriteAsync + encode + batch + send (Points built beforehand)", writerRate, "points/s", "baseline (median of rounds)", Median(writerRatios), 0.90)
            .Add("InfluxWriter, building each Point inside the timed loop", inlineRate, "points/s", "baseline (median of rounds)", Median(inlineRatios))
            .Add("allocated per point inside InfluxWriter (whole process)", (double)allocated / points, "bytes")
            .Add("client CPU per point, baseline (HttpClient only)", baselineCpu * 1e9 / points, "ns")
            .Add("client CPU per point, InfluxWriter (channel + encode + HttpClient)", writerCpu * 1e9 / points, "ns");

        await using (var gzip = new InfluxWriter(WriterOptions(server.Url, "gzip", options.WorkDirectory, gzip: true), http))
        {
            var gzipSeconds = (await WriterRoundAsync(gzip, 0, pointsPerRound, precreate: true, cancellationToken)).Seconds;
            var gzipRate = pointsPerRound / gzipSeconds;
            report.Add("InfluxWriter with gzip (one round)", gzipRate, "points/s", "baseline", gzipRate / baselineRate);
        }

        report.Notes.Add(string.Create(CultureInfo.InvariantCulture, $"influxd on loopback (Debian influxdb 1.6.7); {rounds} rounds of {pointsPerRound:N0} points per side, order rotating; ratio = median of the per-round ratios; one warm HttpClient and long-lived writers; batches of {BatchSize:N0} lines; 2 tags + 2 fields per point; precision ms; writer options otherwise default."));
        report.Notes.Add(string.Create(CultureInfo.InvariantCulture, $"Per-round ratios (writer, Points built beforehand): min {writerRatios.Min():0.00}, quartiles {Quantile(writerRatios, 0.25):0.00} / {Quantile(writerRatios, 0.75):0.00}, max {writerRatios.Max():0.00}."));
        report.Notes.Add("The baseline's batches are encoded before its clock starts; the writer encodes inside its timing. Building a Point is the caller's cost, shown in its own row.");
        return report;
    }

    private static InfluxOptions WriterOptions(Uri server, string database, string work, bool gzip) => new()
    {
        ServerUrl = server,
        Database = database,
        BatchSize = BatchSize,
        UseGzip = gzip,
        SpoolDirectory = Path.Combine(work, "spool-" + database),
    };

    /// <summary>Writes one round and waits (FlushAsync) until InfluxDB has acknowledged all of it.</summary>
    private static async Task<(double Seconds, long Allocated)> WriterRoundAsync(InfluxWriter writer, int offset, int count, bool precreate, CancellationToken cancellationToken)
    {
        var prepared = precreate ? Enumerable.Range(offset, count).Select(MakePoint).ToArray() : null;
        var before = writer.GetCounters();
        Settle();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = CpuTime();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await writer.WriteAsync(prepared is null ? MakePoint(offset + i) : prepared[i], cancellationToken);
        }

        await writer.FlushAsync(cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        Interlocked.Exchange(ref _lastCpu, (CpuTime() - cpu).TotalSeconds);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var after = writer.GetCounters();
        if (after.PointsWritten - before.PointsWritten != count || after.Dropped != 0 || after.SpoolPoints != 0)
        {
            throw new InvalidOperationException($"Writer did not deliver everything: {after}");
        }

        return (seconds, allocated);
    }

    /// <summary>Same starting line for every side: no garbage from the previous side collected on this side's clock.</summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static double Median(List<double> values) => Quantile(values, 0.5);

    private static double Quantile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        var position = q * (sorted.Count - 1);
        var low = (int)Math.Floor(position);
        var high = (int)Math.Ceiling(position);
        return sorted[low] + ((sorted[high] - sorted[low]) * (position - low));
    }

    private static Point MakePoint(int i) =>
        new Point("water_level").Tag("station", Stations[i % Stations.Length]).Tag("kind", "radar").Field("metres", i * 0.001).Field("seq", i).At(T0.AddMilliseconds(i));

    private static List<byte[]> Encode(int offset, int count)
    {
        var batches = new List<byte[]>();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1 << 20);
        for (var i = 0; i < count; i++)
        {
            LineProtocolEncoder.Encode(MakePoint(offset + i), WritePrecision.Milliseconds, buffer);
            if ((i + 1) % BatchSize == 0 || i == count - 1)
            {
                batches.Add(buffer.WrittenSpan.ToArray());
                buffer.ResetWrittenCount();
            }
        }

        return batches;
    }

    private static async Task<double> BaselineAsync(HttpClient http, Uri server, string database, List<byte[]> batches, CancellationToken cancellationToken)
    {
        var uri = new Uri(server, "write?db=" + database + "&precision=ms");
        Settle();
        var cpu = CpuTime();
        var clock = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            using var content = new ByteArrayContent(batch);
            using var response = await http.PostAsync(uri, content, cancellationToken);
            if (response.StatusCode != HttpStatusCode.NoContent)
            {
                throw new InvalidOperationException($"Baseline write failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        Interlocked.Exchange(ref _lastCpu, (CpuTime() - cpu).TotalSeconds);
        return seconds;
    }

    private static double _lastCpu;

    private static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
