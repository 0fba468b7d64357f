using System.Diagnostics;
using MQTTnet;
using MQTTnet.Protocol;
using SmartCommunity.Benchmarks.Harness;
using SmartCommunity.Testing;

namespace SmartCommunity.Benchmarks.Ingest;

/// <summary>
/// Ingest throughput: the gateway accepting and fully processing (decode, validate, de-duplicate, dispatch)
/// the same telemetry load that mosquitto merely routes to one subscriber, on the same machine, in one run.
/// Rates are end to end: first publish to last message processed (gateway) or received (mosquitto).
/// </summary>
public sealed class IngestBenchmark : IBenchmark
{
    public string Name => "ingest";

    public string Description => "gateway messages/s fully processed vs mosquitto messages/s routed, same load";

    public async Task<BenchmarkReport> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var clients = 50;
        var perClient = options.Quick ? 400 : 4_000;
        var rounds = options.Quick ? 1 : 3;
        var report = new BenchmarkReport(Name);
        double bestMosquitto = 0, bestGateway = 0;
        double shed = 0;

        for (var round = 0; round < rounds; round++)
        {
            bestMosquitto = Math.Max(bestMosquitto, await MosquittoRateAsync(clients, perClient, cancellationToken));
            var (rate, roundShed) = await GatewayRateAsync(options.WorkDirectory, clients, perClient, cancellationToken);
            bestGateway = Math.Max(bestGateway, rate);
            shed += roundShed;
        }

        report.Add("mosquitto 2.0 routes to 1 subscriber (QoS 0)", bestMosquitto, "msg/s");
        report.Add("gateway accepts and fully processes (QoS 0)", bestGateway, "msg/s", "mosquitto routing", bestGateway / bestMosquitto, 1.0);
        report.Add("telemetry shed by the gateway (all rounds)", shed, "messages");
        report.Notes.Add($"{clients} device connections × {perClient} messages each, ~80-byte JSON readings, best of {rounds} interleaved rounds; load generator, broker and consumer share the machine's {Environment.ProcessorCount} cores.");
        return report;
    }

    private static async Task<double> MosquittoRateAsync(int clients, int perClient, CancellationToken cancellationToken)
    {
        await using var mosquitto = await MosquittoProcess.StartAsync();
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        await subscriber.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).WithClientId("bench-sub").Build(), cancellationToken);
        long received = 0;
        var total = (long)clients * perClient;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.ApplicationMessageReceivedAsync += _ =>
        {
            if (Interlocked.Increment(ref received) == total)
            {
                done.TrySetResult();
            }

            return Task.CompletedTask;
        };
        await subscriber.SubscribeAsync("sc/v1/dev/+/telemetry", MqttQualityOfServiceLevel.AtMostOnce, cancellationToken);
        var publishers = await MqttLoad.ConnectAsync(mosquitto.Port, clients, i => (GatewayProcess.DeviceId(i), null));

        var watch = Stopwatch.StartNew();
        await MqttLoad.PublishAsync(publishers, perClient, GatewayProcess.DeviceId, MqttQualityOfServiceLevel.AtMostOnce);
        await Task.WhenAny(done.Task, Task.Delay(TimeSpan.FromMinutes(2), cancellationToken));
        watch.Stop();
        await MqttLoad.DisconnectAsync(publishers);
        return Interlocked.Read(ref received) / watch.Elapsed.TotalSeconds;
    }

    private static async Task<(double Rate, double Shed)> GatewayRateAsync(string work, int clients, int perClient, CancellationToken cancellationToken)
    {
        await using var gateway = await GatewayProcess.StartAsync(work, clients);
        var publishers = await MqttLoad.ConnectAsync(gateway.MqttPort, clients, i => (GatewayProcess.DeviceId(i), GatewayProcess.SecretOf(GatewayProcess.DeviceId(i))));
        var total = (double)clients * perClient;

        var watch = Stopwatch.StartNew();
        await MqttLoad.PublishAsync(publishers, perClient, GatewayProcess.DeviceId, MqttQualityOfServiceLevel.AtMostOnce);
        double accepted = 0, shed = 0;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
        {
            accepted = await gateway.MetricAsync("sc_ingest_accepted_total", "telemetry");
            shed = await gateway.MetricAsync("sc_ingest_shed_total");
            var rejected = await gateway.MetricAsync("sc_ingest_rejected_total");
            if (accepted + shed + rejected >= total)
            {
                break;
            }

            await Task.Delay(20, cancellationToken);
        }

        watch.Stop();
        await MqttLoad.DisconnectAsync(publishers);
        return (accepted / watch.Elapsed.TotalSeconds, shed);
    }
}
