using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartCommunity.Benchmarks.Harness;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Serialization;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Benchmarks.Ingest;

/// <summary>
/// The gateway's own share of the ingest hot path, without the broker: decode, validate, de-duplicate and
/// dispatch one telemetry message, against a baseline of only deserialising the same payloads.
/// </summary>
public sealed class ProcessorBenchmark : IBenchmark
{
    public string Name => "ingest-processor";

    public string Description => "ns per telemetry message through MessageProcessor vs bare source-generated JSON deserialisation";

    public Task<BenchmarkReport> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var count = options.Quick ? 200_000 : 2_000_000;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var payloads = Enumerable.Range(1, 1_000).Select(i => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $$"""{"v":1,"ts":{{now}},"seq":{{i}},"boot":1,"level_m":{{12 + (i / 1000.0)}},"battery_v":12.6}"""))).ToArray();

        var metrics = new MetricsRegistry();
        var processor = new MessageProcessor(new ServiceCollection().BuildServiceProvider(), new IngestMetrics(metrics),
            new RejectionLog(TimeProvider.System), Options.Create(new IngestOptions()), TimeProvider.System, NullLogger<MessageProcessor>.Instance);
        var device = new DeviceRuntime(new Device("bench-1", DeviceKind.WaterLevelStation, "b", null, null, null, true, new Dictionary<string, string>()), "");

        double Measure(Action<int> body)
        {
            for (var i = 0; i < 50_000; i++)
            {
                body(i); // Warm-up: tiered JIT and PGO settle before timing.
            }

            var watch = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                body(i);
            }

            return watch.Elapsed.TotalNanoseconds / count;
        }

        var baseline = Measure(i => JsonSerializer.Deserialize(payloads[i % payloads.Length], ProtocolJsonContext.Default.TelemetryMessage));
        long seq = 0;
        var processed = Measure(i =>
        {
            var source = payloads[i % payloads.Length];
            var buffer = ArrayPool<byte>.Shared.Rent(source.Length);
            // Each message gets a fresh sequence number so de-duplication accepts it, as live traffic would.
            var text = Encoding.UTF8.GetString(source).Replace($"\"seq\":{(i % payloads.Length) + 1},", $"\"seq\":{++seq},", StringComparison.Ordinal);
            var length = Encoding.UTF8.GetBytes(text, buffer);
            processor.Process(new InboundMessage(MessageClass.Telemetry, device, null, buffer, length, TimeProvider.System.GetTimestamp()));
            ArrayPool<byte>.Shared.Return(buffer);
        });
        var rewrite = Measure(i =>
        {
            var source = payloads[i % payloads.Length];
            var buffer = ArrayPool<byte>.Shared.Rent(source.Length);
            var text = Encoding.UTF8.GetString(source).Replace($"\"seq\":{(i % payloads.Length) + 1},", $"\"seq\":{++seq},", StringComparison.Ordinal);
            Encoding.UTF8.GetBytes(text, buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        });

        var report = new BenchmarkReport(Name);
        report.Add("deserialise only (baseline)", baseline, "ns/msg");
        report.Add("decode + validate + de-duplicate + dispatch + metrics", processed - rewrite, "ns/msg", "deserialise only", baseline / (processed - rewrite));
        report.Notes.Add($"Single thread, {count:N0} messages; the cost of giving each message a fresh seq ({rewrite:0} ns) is measured separately and subtracted. Ratio = baseline time / processor time (1.0 would mean validation and dispatch are free).");
        return Task.FromResult(report);
    }
}
