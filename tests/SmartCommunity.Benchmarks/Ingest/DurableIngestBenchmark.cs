using System.Diagnostics;
using System.Globalization;
using MQTTnet;
using MQTTnet.Protocol;
using SmartCommunity.Benchmarks.Harness;
using SmartCommunity.Testing;

namespace SmartCommunity.Benchmarks.Ingest;

/// <summary>
/// Durable QoS 1: devices publish events at QoS 1, each awaiting its PUBACK before the next (as an edge agent's
/// outbox does). The gateway acknowledges only once the event is fsynced in its ingest journal, and the run ends
/// when every event is also processed by the features. The baseline is mosquitto routing the same QoS 1 load to
/// one QoS 1 subscriber (in memory, no persistence). Target ≥ 0.5 (issue 12).
/// </summary>
public sealed class DurableIngestBenchmark : IBenchmark
{
    private const string EventType = "threshold_report";

    public string Name => "durable";

    public string Description => "gateway durable QoS 1 events/s (journal fsync before PUBACK, processed) vs mosquitto QoS 1 routing";

    public async Task<BenchmarkReport> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var clients = 50;
        var perClient = options.Quick ? 100 : 1_000;
        var warmup = perClient / 4;
        var rounds = options.Quick ? 1 : 3;
        var report = new BenchmarkReport(Name);
        var mosquittoRates = new List<double>();
        var gatewayRates = new List<double>();
        var commits = new List<double>();

        for (var round = 0; round < rounds; round++)
        {
            mosquittoRates.Add(await IngestBenchmark.MosquittoRateAsync(clients, perClient, warmup, MqttQualityOfServiceLevel.AtLeastOnce, EventType, cancellationToken));
            var (rate, perCommit) = await GatewayRateAsync(options.WorkDirectory, clients, perClient, warmup, cancellationToken);
            gatewayRates.Add(rate);
            commits.Add(perCommit);
        }

        var bestMosquitto = mosquittoRates.Max();
        var bestGateway = gatewayRates.Max();
        report.Add("mosquitto 2.0 routes QoS 1 to 1 QoS 1 subscriber", bestMosquitto, "msg/s");
        report.Add("gateway: journaled (fsync) before PUBACK, then processed", bestGateway, "msg/s", "mosquitto QoS 1 routing", bestGateway / bestMosquitto, 0.5);
        report.Add("events per journal group commit (best round)", commits[gatewayRates.IndexOf(bestGateway)], "events");
        report.Notes.Add($"{clients} device connections × {perClient} QoS 1 events each, one in flight per connection, after an unmeasured warm-up of {warmup} each; best of {rounds} interleaved rounds on {Environment.ProcessorCount} cores shared by load generator, broker and consumer.");
        report.Notes.Add("Rounds (msg/s): mosquitto " + Rates(mosquittoRates) + "; gateway " + Rates(gatewayRates) + ".");
        return report;
    }

    private static string Rates(List<double> rates) => string.Join(", ", rates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)));

    private static async Task<(double Rate, double EventsPerCommit)> GatewayRateAsync(string work, int clients, int perClient, int warmup, CancellationToken cancellationToken)
    {
        await using var gateway = await GatewayProcess.StartAsync(work, clients);
        var publishers = await MqttLoad.ConnectAsync(gateway.MqttPort, clients, i => (GatewayProcess.DeviceId(i), GatewayProcess.SecretOf(GatewayProcess.DeviceId(i))));

        await MqttLoad.PublishAsync(publishers, warmup, GatewayProcess.DeviceId, MqttQualityOfServiceLevel.AtLeastOnce, EventType);
        var before = await WaitForProcessedAsync(gateway, (double)clients * warmup, cancellationToken);
        var commitsBefore = await gateway.MetricAsync("sc_ingest_journal_commits_total");

        var watch = Stopwatch.StartNew();
        // Returns when every PUBACK is in: each event is durable by then.
        await MqttLoad.PublishAsync(publishers, perClient, GatewayProcess.DeviceId, MqttQualityOfServiceLevel.AtLeastOnce, EventType);
        var after = await WaitForProcessedAsync(gateway, before + ((double)clients * perClient), cancellationToken);
        watch.Stop();
        var commits = await gateway.MetricAsync("sc_ingest_journal_commits_total") - commitsBefore;
        await MqttLoad.DisconnectAsync(publishers);
        return ((after - before) / watch.Elapsed.TotalSeconds, (after - before) / Math.Max(1, commits));
    }

    /// <summary>Waits until this many events were accepted or refused by the workers (one scrape per poll).</summary>
    private static async Task<double> WaitForProcessedAsync(GatewayProcess gateway, double total, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var text = await gateway.MetricsTextAsync();
            var done = GatewayProcess.SumOf(text, "sc_ingest_accepted_total", "\"event\"") + GatewayProcess.SumOf(text, "sc_ingest_rejected_total");
            if (done >= total || DateTime.UtcNow >= deadline)
            {
                return done;
            }

            await Task.Delay(20, cancellationToken);
        }
    }
}
