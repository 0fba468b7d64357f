using System.Diagnostics;
using System.Globalization;
using MQTTnet;
using MQTTnet.Protocol;
using SmartCommunity.Benchmarks.Harness;
using SmartCommunity.Testing;

namespace SmartCommunity.Benchmarks.Ingest;

/// <summary>
/// Ingest throughput: the gateway accepting and fully processing (decode, validate, de-duplicate, dispatch)
/// the same telemetry load that mosquitto merely routes to one subscriber, on the same machine, in one run.
/// Rates are end to end: first publish to last message processed (gateway) or received (mosquitto).
/// Both sides first carry an unmeasured warm-up load (a quarter of the measured one), so the comparison is of
/// sustained rates: without it the freshly started gateway ran its first seconds as unoptimised JIT code while
/// mosquitto (native) and its subscriber (in this already warm process) did not.
/// </summary>
/// <remarks>
/// Set <c>SC_BENCH_INGEST_VARIANT</c> to gateway settings (<c>Key=Value;Key=Value</c>, environment-variable names
/// such as <c>Ingest__Workers=1</c> or <c>DOTNET_gcConcurrent=0</c>) to run a third side each round: the gateway
/// with those settings, so a tuning idea is compared with the defaults in the same run.
/// </remarks>
public sealed class IngestBenchmark : IBenchmark
{
    private const string VariantVariable = "SC_BENCH_INGEST_VARIANT";

    public string Name => "ingest";

    public string Description => "gateway messages/s fully processed vs mosquitto messages/s routed, same load";

    public async Task<BenchmarkReport> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var clients = 50;
        var perClient = options.Quick ? 400 : 4_000;
        var warmup = perClient / 4;
        var rounds = options.Quick ? 1 : 3;
        var variant = ParseVariant(Environment.GetEnvironmentVariable(VariantVariable));
        var report = new BenchmarkReport(Name);
        var mosquittoRates = new List<double>();
        var gatewayRates = new List<double>();
        var variantRates = new List<double>();
        double shed = 0;

        for (var round = 0; round < rounds; round++)
        {
            mosquittoRates.Add(await MosquittoRateAsync(clients, perClient, warmup, MqttQualityOfServiceLevel.AtMostOnce, null, cancellationToken));
            var (rate, roundShed) = await GatewayRateAsync(options.WorkDirectory, clients, perClient, warmup, null, cancellationToken);
            gatewayRates.Add(rate);
            shed += roundShed;
            if (variant is not null)
            {
                variantRates.Add((await GatewayRateAsync(options.WorkDirectory, clients, perClient, warmup, variant, cancellationToken)).Rate);
            }
        }

        var bestMosquitto = mosquittoRates.Max();
        var bestGateway = gatewayRates.Max();
        report.Add("mosquitto 2.0 routes to 1 subscriber (QoS 0)", bestMosquitto, "msg/s");
        report.Add("gateway accepts and fully processes (QoS 0)", bestGateway, "msg/s", "mosquitto routing", bestGateway / bestMosquitto, 1.0);
        if (variant is not null)
        {
            var text = string.Join(' ', variant.Select(v => v.Key + "=" + v.Value));
            report.Add($"gateway with {text}", variantRates.Max(), "msg/s", "gateway, defaults", variantRates.Max() / bestGateway);
        }

        report.Add("telemetry shed by the gateway (all rounds)", shed, "messages");
        report.Notes.Add($"{clients} device connections × {perClient} messages each after an unmeasured warm-up of {warmup} each, ~80-byte JSON readings, best of {rounds} interleaved rounds; load generator, broker and consumer share the machine's {Environment.ProcessorCount} cores.");
        report.Notes.Add("Rounds (msg/s): mosquitto " + Rates(mosquittoRates) + "; gateway " + Rates(gatewayRates) + (variant is null ? "" : "; variant " + Rates(variantRates)) + ".");
        return report;
    }

    private static string Rates(List<double> rates) => string.Join(", ", rates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)));

    /// <summary>Gateway settings as <c>Key=Value;Key=Value</c> (environment-variable names); null when empty.</summary>
    internal static Dictionary<string, string>? ParseVariant(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var settings = new Dictionary<string, string>();
        foreach (var pair in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"{VariantVariable}: '{pair}' is not Key=Value.");
            }

            settings[pair[..equals]] = pair[(equals + 1)..];
        }

        return settings;
    }

    /// <summary>
    /// mosquitto routing the load to one subscriber: first publish to last arrival, after a warm-up. Telemetry at
    /// QoS 0, or (with <paramref name="eventType"/>) events at <paramref name="qos"/> to a subscriber at the same QoS.
    /// </summary>
    internal static async Task<double> MosquittoRateAsync(int clients, int perClient, int warmup,
        MqttQualityOfServiceLevel qos, string? eventType, CancellationToken cancellationToken)
    {
        await using var mosquitto = await MosquittoProcess.StartAsync();
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        await subscriber.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).WithClientId("bench-sub").Build(), cancellationToken);
        var arrivals = new ArrivalCounter();
        subscriber.ApplicationMessageReceivedAsync += _ =>
        {
            arrivals.Increment();
            return Task.CompletedTask;
        };
        await subscriber.SubscribeAsync(eventType is null ? "sc/v1/dev/+/telemetry" : "sc/v1/dev/+/event", qos, cancellationToken);
        var publishers = await MqttLoad.ConnectAsync(mosquitto.Port, clients, i => (GatewayProcess.DeviceId(i), null));

        var warmTotal = (long)clients * warmup;
        await MqttLoad.PublishAsync(publishers, warmup, GatewayProcess.DeviceId, qos, eventType);
        await arrivals.WaitForAsync(warmTotal, TimeSpan.FromMinutes(1), cancellationToken);
        var before = arrivals.Count;

        var watch = Stopwatch.StartNew();
        await MqttLoad.PublishAsync(publishers, perClient, GatewayProcess.DeviceId, qos, eventType);
        await arrivals.WaitForAsync(before + ((long)clients * perClient), TimeSpan.FromMinutes(2), cancellationToken);
        watch.Stop();
        var received = arrivals.Count - before;
        await MqttLoad.DisconnectAsync(publishers);
        return received / watch.Elapsed.TotalSeconds;
    }

    private static async Task<(double Rate, double Shed)> GatewayRateAsync(string work, int clients, int perClient, int warmup,
        IDictionary<string, string>? settings, CancellationToken cancellationToken)
    {
        await using var gateway = await GatewayProcess.StartAsync(work, clients, settings);
        var publishers = await MqttLoad.ConnectAsync(gateway.MqttPort, clients, i => (GatewayProcess.DeviceId(i), GatewayProcess.SecretOf(GatewayProcess.DeviceId(i))));

        // Each PublishAsync call starts a new boot, so the measured messages are new to de-duplication, not repeats.
        await MqttLoad.PublishAsync(publishers, warmup, GatewayProcess.DeviceId, MqttQualityOfServiceLevel.AtMostOnce);
        var before = await WaitForGatewayAsync(gateway, (double)clients * warmup, TimeSpan.FromMinutes(1), cancellationToken);

        var watch = Stopwatch.StartNew();
        await MqttLoad.PublishAsync(publishers, perClient, GatewayProcess.DeviceId, MqttQualityOfServiceLevel.AtMostOnce);
        var after = await WaitForGatewayAsync(gateway, before.Total + ((double)clients * perClient), TimeSpan.FromMinutes(2), cancellationToken);
        watch.Stop();
        await MqttLoad.DisconnectAsync(publishers);
        return ((after.Accepted - before.Accepted) / watch.Elapsed.TotalSeconds, after.Shed - before.Shed);
    }

    /// <summary>
    /// Polls the gateway's counters until <paramref name="total"/> messages were accepted, shed or rejected. One
    /// <c>/metrics</c> scrape per poll: the gateway renders it, so scraping is load on the side being measured.
    /// </summary>
    private static async Task<GatewayCounts> WaitForGatewayAsync(GatewayProcess gateway, double total, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var text = await gateway.MetricsTextAsync();
            var counts = new GatewayCounts(
                GatewayProcess.SumOf(text, "sc_ingest_accepted_total", "telemetry"),
                GatewayProcess.SumOf(text, "sc_ingest_shed_total"),
                GatewayProcess.SumOf(text, "sc_ingest_rejected_total"));
            if (counts.Total >= total || DateTime.UtcNow >= deadline || cancellationToken.IsCancellationRequested)
            {
                return counts;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    private readonly record struct GatewayCounts(double Accepted, double Shed, double Rejected)
    {
        public double Total => Accepted + Shed + Rejected;
    }
}
