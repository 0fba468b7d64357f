// The Benchmarks project reaches SmartCommunity.TimeSeries only once it references it: the Gateway project stopped
// referencing it (commit 3e5d2a0), and this folder's owner may not edit the Benchmarks csproj. Until that one line is
// added (<ProjectReference Include="../../gateway/SmartCommunity.TimeSeries/SmartCommunity.TimeSeries.csproj" /> and
// <DefineConstants>$(DefineConstants);TIMESERIES_BENCHMARK</DefineConstants>), this file compiles to nothing so the
// other benchmarks keep building. See docs/timeseries.md, "Benchmark".
#if TIMESERIES_BENCHMARK
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
        var pointsPerRound = options.Quick ? 50_000 : 250_000;
        var rounds = options.Quick ? 2 : 4;
        await using var server = await InfluxDbProcess.StartAsync(Path.Combine(options.WorkDirectory, "influxd"), cancellationToken: cancellationToken);
        using var http = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromMinutes(1) };

        // Warm both paths (JIT, connections, influxd's first shard) on a throw-away database.
        await server.CreateDatabaseAsync("warmup", cancellationToken);
        await BaselineAsync(http, server.Url, "warmup", Encode(0, 20_000), cancellationToken);
        await WriterAsync(server.Url, "warmup", options.WorkDirectory, 20_000, 20_000, gzip: false, cancellationToken);

        double baselineSeconds = 0, writerSeconds = 0;
        long baselinePoints = 0, writerPoints = 0, allocated = 0;
        for (var round = 0; round < rounds; round++)
        {
            // Each side writes its own points (distinct time ranges) into its own database, so neither overwrites the other.
            var db = "round" + round.ToString(CultureInfo.InvariantCulture);
            await server.CreateDatabaseAsync(db + "_baseline", cancellationToken);
            await server.CreateDatabaseAsync(db + "_writer", cancellationToken);
            var offset = round * pointsPerRound;
            var batches = Encode(offset, pointsPerRound);
            if (round % 2 == 0)
            {
                baselineSeconds += await BaselineAsync(http, server.Url, db + "_baseline", batches, cancellationToken);
                var (s, a) = await WriterAsync(server.Url, db + "_writer", options.WorkDirectory, offset, pointsPerRound, gzip: false, cancellationToken);
                writerSeconds += s;
                allocated += a;
            }
            else
            {
                var (s, a) = await WriterAsync(server.Url, db + "_writer", options.WorkDirectory, offset, pointsPerRound, gzip: false, cancellationToken);
                writerSeconds += s;
                allocated += a;
                baselineSeconds += await BaselineAsync(http, server.Url, db + "_baseline", batches, cancellationToken);
            }

            baselinePoints += pointsPerRound;
            writerPoints += pointsPerRound;
        }

        var baselineRate = baselinePoints / baselineSeconds;
        var writerRate = writerPoints / writerSeconds;
        var report = new BenchmarkReport(Name)
            .Add("HttpClient POST of pre-encoded batches (baseline)", baselineRate, "points/s")
            .Add("InfluxWriter: create + encode + batch + send", writerRate, "points/s", "baseline", writerRate / baselineRate, 0.90)
            .Add("allocated per point through InfluxWriter (whole process, incl. the Point itself)", (double)allocated / writerPoints, "bytes");

        var (gzipSeconds, _) = await WriterAsync(server.Url, "gzip", options.WorkDirectory, 0, pointsPerRound, gzip: true, cancellationToken, create: true, server);
        var gzipRate = pointsPerRound / gzipSeconds;
        report.Add("InfluxWriter with gzip", gzipRate, "points/s", "baseline", gzipRate / baselineRate);
        report.Notes.Add(string.Create(CultureInfo.InvariantCulture, $"influxd {server.Url} (Debian influxdb 1.6.7), {rounds} alternating rounds of {pointsPerRound:N0} points, batches of {BatchSize:N0} lines, 2 tags + 2 fields per point, precision ms."));
        return report;
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

        return clock.Elapsed.TotalSeconds;
    }

    private static async Task<(double Seconds, long Allocated)> WriterAsync(Uri server, string database, string work, int offset, int count, bool gzip, CancellationToken cancellationToken, bool create = false, InfluxDbProcess? process = null)
    {
        if (create)
        {
            await process!.CreateDatabaseAsync(database, cancellationToken);
        }

        var options = new InfluxOptions
        {
            ServerUrl = server,
            Database = database,
            BatchSize = BatchSize,
            UseGzip = gzip,
            SpoolDirectory = Path.Combine(work, "spool-" + database),
        };
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        await using (var writer = new InfluxWriter(options))
        {
            for (var i = 0; i < count; i++)
            {
                await writer.WriteAsync(MakePoint(offset + i), cancellationToken);
            }

            await writer.FlushAsync(cancellationToken);
            var c = writer.GetCounters();
            if (c.PointsWritten != count || c.Dropped != 0 || c.SpoolPoints != 0)
            {
                throw new InvalidOperationException($"Writer did not deliver everything: {c}");
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        return (seconds, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore);
    }
}
#endif
