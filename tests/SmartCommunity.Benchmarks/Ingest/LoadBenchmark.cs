using System.Diagnostics;
using System.Globalization;
using MQTTnet;
using MQTTnet.Protocol;
using SmartCommunity.Benchmarks.Harness;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Testing;

namespace SmartCommunity.Benchmarks.Ingest;

/// <summary>
/// The operators' load tool (issue 17): <c>./bench.sh load [--devices=N] [--rate=R] [--seconds=S] [--broker=B]
/// [--qos=0|1] [--kind=telemetry|event]</c> drives N device connections, each publishing R messages a second (0 or
/// absent: as fast as MQTT allows) for S seconds, then stops by itself. The broker is <c>embedded</c> (a gateway
/// process started here with those devices registered), <c>mosquitto</c> (one started here) or <c>host:port</c>
/// (anything already running: devices connect as <c>bench-00001</c>… with the password
/// <see cref="GatewayProcess.SecretOf"/>, so a gateway must have them registered, or the broker must let them in).
/// Messages are the same templates as the ingest benchmark (<see cref="MqttLoad.Payload"/>).
/// </summary>
public sealed class LoadBenchmark : IBenchmark
{
    public string Name => "load";

    public string Description => "drive N devices at a rate or flat out against the embedded gateway, mosquitto or host:port (see docs/benchmarks.md)";

    public async Task<BenchmarkReport> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var devices = Option("devices", options.Quick ? 20 : 100);
        var rate = Option("rate", 0);
        var seconds = Option("seconds", options.Quick ? 5 : 30);
        var qos = Option("qos", 0) == 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce;
        var eventType = Text("kind", "telemetry") == "event" ? "passage" : null;
        var broker = Text("broker", "embedded");
        if (devices <= 0 || rate < 0 || seconds <= 0)
        {
            throw new ArgumentException("load: --devices and --seconds must be positive, --rate zero (flat out) or positive.");
        }

        var report = new BenchmarkReport(Name);
        await using var gateway = broker == "embedded" ? await GatewayProcess.StartAsync(options.WorkDirectory, devices) : null;
        await using var mosquitto = broker == "mosquitto" ? await MosquittoProcess.StartAsync() : null;
        var (host, port) = gateway is not null ? ("127.0.0.1", gateway.MqttPort) : mosquitto is not null ? ("127.0.0.1", mosquitto.Port) : HostPort(broker);

        // Routing brokers are watched by a subscriber; the gateway consumes device messages itself and says on /metrics.
        var arrivals = new ArrivalCounter();
        using var subscriber = gateway is null ? await SubscribeAsync(host, port, eventType, qos, arrivals, cancellationToken) : null;
        var before = gateway is null ? default : await ProcessedAsync(gateway);

        var clients = await MqttLoad.ConnectAsync(host, port, devices, i => (GatewayProcess.DeviceId(i), GatewayProcess.SecretOf(GatewayProcess.DeviceId(i))));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        long sent = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select((client, index) => Task.Run(async () =>
        {
            var topic = eventType is null ? TopicScheme.Telemetry(GatewayProcess.DeviceId(index + 1)) : TopicScheme.Event(GatewayProcess.DeviceId(index + 1));
            var boot = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var start = Stopwatch.GetTimestamp();
            for (long seq = 1; !stop.IsCancellationRequested; seq++)
            {
                if (rate > 0 && await PaceAsync(start, seq, rate, stop.Token) is false)
                {
                    break;
                }

                try
                {
                    await client.PublishAsync(new MqttApplicationMessage { Topic = topic, PayloadSegment = MqttLoad.Payload(seq, boot, eventType), QualityOfServiceLevel = qos }, stop.Token);
                    Interlocked.Increment(ref sent);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
            }
        }, CancellationToken.None)));
        var publishing = watch.Elapsed.TotalSeconds;
        await MqttLoad.DisconnectAsync(clients);

        report.Add("devices connected", devices, "devices");
        report.Add("messages published", sent, "messages");
        report.Add("publish rate, all devices", sent / publishing, "msg/s", rate > 0 ? "asked for" : null, rate > 0 ? sent / publishing / (devices * (double)rate) : null);
        if (gateway is not null)
        {
            // Give the gateway up to 30 s to work through what it took in, then read its counters once.
            await WaitSettledAsync(gateway, before.Total + sent, cancellationToken);
            var after = await ProcessedAsync(gateway);
            report.Add("processed by the gateway", after.Accepted - before.Accepted, "messages", "published", (after.Accepted - before.Accepted) / Math.Max(1, sent));
            report.Add("shed by the gateway (telemetry, counted)", after.Shed - before.Shed, "messages");
            report.Add("refused by the gateway", after.Rejected - before.Rejected, "messages");
            report.Add("gateway resident memory", gateway.ResidentMegabytes(), "MB");
        }
        else if (subscriber is not null)
        {
            await arrivals.WaitForAsync(sent, TimeSpan.FromSeconds(30), cancellationToken);
            report.Add("received by one subscriber", arrivals.Count, "messages", "published", arrivals.Count / (double)Math.Max(1, sent));
        }

        report.Notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"broker {broker}, {devices} devices, {(rate > 0 ? rate + " msg/s each" : "flat out")}, QoS {(int)qos}, {(eventType is null ? "telemetry readings" : "passage events")}, {seconds} s; the load generator shares the machine with the broker."));
        return report;
    }

    /// <summary>Waits until message <paramref name="seq"/> is due at <paramref name="rate"/> a second; false when stopped.</summary>
    private static async Task<bool> PaceAsync(long start, long seq, int rate, CancellationToken stop)
    {
        var due = TimeSpan.FromSeconds((seq - 1) / (double)rate) - Stopwatch.GetElapsedTime(start);
        if (due <= TimeSpan.Zero)
        {
            return true;
        }

        try
        {
            await Task.Delay(due, stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<IMqttClient?> SubscribeAsync(string host, int port, string? eventType, MqttQualityOfServiceLevel qos, ArrivalCounter arrivals, CancellationToken cancellationToken)
    {
        var subscriber = new MqttClientFactory().CreateMqttClient();
        subscriber.ApplicationMessageReceivedAsync += _ =>
        {
            arrivals.Increment();
            return Task.CompletedTask;
        };
        var connected = await subscriber.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId("bench-load-sub").Build(), cancellationToken);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            // A broker that wants credentials for subscribers: publish anyway, report what was sent.
            subscriber.Dispose();
            return null;
        }

        await subscriber.SubscribeAsync(eventType is null ? "sc/v1/dev/+/telemetry" : "sc/v1/dev/+/event", qos, cancellationToken);
        return subscriber;
    }

    private static async Task<(double Accepted, double Shed, double Rejected, double Total)> ProcessedAsync(GatewayProcess gateway)
    {
        var text = await gateway.MetricsTextAsync();
        var accepted = GatewayProcess.SumOf(text, "sc_ingest_accepted_total");
        var shed = GatewayProcess.SumOf(text, "sc_ingest_shed_total");
        var rejected = GatewayProcess.SumOf(text, "sc_ingest_rejected_total");
        return (accepted, shed, rejected, accepted + shed + rejected);
    }

    private static async Task WaitSettledAsync(GatewayProcess gateway, double total, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while ((await ProcessedAsync(gateway)).Total < total && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(200, cancellationToken);
        }
    }

    private static (string Host, int Port) HostPort(string broker)
    {
        var colon = broker.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(broker.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is <= 0 or > 65535)
        {
            throw new ArgumentException($"load: --broker must be embedded, mosquitto or host:port, not '{broker}'.");
        }

        return (broker[..colon], port);
    }

    private static string Text(string name, string fallback) =>
        Environment.GetCommandLineArgs().Select(a => a.StartsWith("--" + name + "=", StringComparison.Ordinal) ? a[(name.Length + 3)..] : null)
            .LastOrDefault(v => v is not null) ?? fallback;

    private static int Option(string name, int fallback)
    {
        var text = Text(name, fallback.ToString(CultureInfo.InvariantCulture));
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"load: --{name} must be a whole number, not '{text}'.");
    }
}
