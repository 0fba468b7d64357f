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
        // Many short rounds, order rotating, median of the per-round ratios: the machine is shared and noisy.
        var pointsPerRound = options.Quick ? 25_000 : 100_000;
        var rounds = options.Quick ? 6 : 16;
        await using var server = await InfluxDbProcess.StartAsync(Path.Combine(options.WorkDirectory, "influxd"), cancellationToken: cancellationToken);
        using var http = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromMinutes(1) };

        // Warm both paths (JIT, connections, influxd's first shard) on a throw-away database.
        await server.CreateDatabaseAsync("warmup", cancellationToken);
        await BaselineAsync(http, server.Url, "warmup", Encode(0, 20_000), cancellationToken);
        await WriterAsync(http, server.Url, "warmup", options.WorkDirectory, 20_000, 20_000, gzip: false, cancellationToken);

        double baselineSeconds = 0, writerSeconds = 0, inlineSeconds = 0;
        long points = 0, allocated = 0;
        var writerRatios = new List<double>();
        var inlineRatios = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            // Each side writes into its own database, so none overwrites another; the order rotates every round.
            var db = "round" + round.ToString(CultureInfo.InvariantCulture);
            foreach (var side in new[] { "_baseline", "_writer", "_inline" })
            {
                await server.CreateDatabaseAsync(db + side, cancellationToken);
            }

            var offset = round * pointsPerRound;
            var batches = Encode(offset, pointsPerRound);
            var steps = new List<Func<Task>>
            {
                async () => baselineSeconds += await BaselineAsync(http, server.Url, db + "_baseline", batches, cancellationToken),
                async () =>
                {
                    var (s, a) = await WriterAsync(http, server.Url, db + "_writer", options.WorkDirectory, offset, pointsPerRound, gzip: false, cancellationToken);
                    writerSeconds += s;
                    allocated += a;
                },
                async () => inlineSeconds += (await WriterAsync(http, server.Url, db + "_inline", options.WorkDirectory, offset, pointsPerRound, gzip: false, cancellationToken, precreate: false)).Seconds,
            };
            var (b0, w0, i0) = (baselineSeconds, writerSeconds, inlineSeconds);
            for (var k = 0; k < steps.Count; k++)
            {
                await steps[(k + round) % steps.Count]();
            }

            writerRatios.Add((baselineSeconds - b0) / (writerSeconds - w0));
            inlineRatios.Add((baselineSeconds - b0) / (inlineSeconds - i0));

            points += pointsPerRound;
        }

        var baselineRate = points / baselineSeconds;
        var writerRate = points / writerSeconds;
        var inlineRate = points / inlineSeconds;
        var report = new BenchmarkReport(Name)
            .Add("HttpClient POST of pre-encoded batches (baseline)", baselineRate, "points/s")
            .Add("InfluxWriter: WriteAsync + encode + batch + send (Points built beforehand)", writerRate, "points/s", "baseline (median of rounds)", Median(writerRatios), 0.90)
            .Add("InfluxWriter, building each Point inside the timed loop", inlineRate, "points/s", "baseline (median of rounds)", Median(inlineRatios))
            .Add("allocated per point inside InfluxWriter (whole process)", (double)allocated / points, "bytes");

        await server.CreateDatabaseAsync("gzip", cancellationToken);
        var (gzipSeconds, _) = await WriterAsync(http, server.Url, "gzip", options.WorkDirectory, 0, pointsPerRound, gzip: true, cancellationToken);
        var gzipRate = pointsPerRound / gzipSeconds;
        report.Add("InfluxWriter with gzip (one run)", gzipRate, "points/s", "baseline", gzipRate / baselineRate);
        report.Notes.Add(string.Create(CultureInfo.InvariantCulture, $"influxd on loopback (Debian influxdb 1.6.7), {rounds} rounds of {pointsPerRound:N0} points per side, order rotating, ratio = median over rounds, one warm HttpClient shared by all sides, batches of {BatchSize:N0} lines, 2 tags + 2 fields per point, precision ms, writer options otherwise default."));
        report.Notes.Add("Per-round ratios (writer, Points built beforehand): " + string.Join(", ", writerRatios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture))));
        report.Notes.Add("The baseline's batches are encoded before its clock starts; the writer encodes inside its timing. Building a Point (~390 bytes of objects) is the caller's cost, shown in its own row.");
        return report;
    }

    /// <summary>Same starting line for every side: no garbage from the previous side collected on this side's clock.</summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
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

    private static async Task<(double Seconds, long Allocated)> WriterAsync(HttpClient http, Uri server, string database, string work, int offset, int count, bool gzip, CancellationToken cancellationToken, bool precreate = true)
    {
        var options = new InfluxOptions
        {
            ServerUrl = server,
            Database = database,
            BatchSize = BatchSize,
            UseGzip = gzip,
            SpoolDirectory = Path.Combine(work, "spool-" + database),
        };
        var prepared = precreate ? Enumerable.Range(offset, count).Select(MakePoint).ToArray() : null;
        Settle();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        await using (var writer = new InfluxWriter(options, http))
        {
            for (var i = 0; i < count; i++)
            {
                await writer.WriteAsync(prepared is null ? MakePoint(offset + i) : prepared[i], cancellationToken);
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
