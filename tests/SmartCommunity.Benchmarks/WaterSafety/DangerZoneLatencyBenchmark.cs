using System.Diagnostics;
using System.Globalization;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;
using SmartCommunity.Benchmarks.Harness;
using SmartCommunity.Benchmarks.Ingest;
using SmartCommunity.Testing;

namespace SmartCommunity.Benchmarks.WaterSafety;

/// <summary>
/// Camera <c>zone_enter</c> → loudspeaker <c>play_voice</c> through the real gateway process, under background
/// telemetry at about half the measured ingest maximum (docs/benchmarks.md: ~29 000 msg/s → 15 000 msg/s).
/// Baseline: a plain MQTT QoS 1 round trip (publish → PUBACK) through the same broker. "Inside" is the
/// gateway's own histogram <c>sc_water_danger_zone_command_seconds</c> (broker hand-over → bus hand-off).
/// </summary>
public sealed class DangerZoneLatencyBenchmark : IBenchmark
{
    private const string Camera = "bench-cam";
    private const string Speaker = "bench-spk";
    private const int LoadClients = 50;

    public string Name => "danger-zone";

    public string Description => "camera zone_enter to loudspeaker play_voice latency under telemetry load, vs a plain MQTT QoS 1 round trip";

    public async Task<BenchmarkReport> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var samples = options.Quick ? 200 : 2000;
        var loadRate = options.Quick ? 5000 : 15_000;
        var station = GatewayProcess.DeviceId(LoadClients + 1);
        await using var gateway = await GatewayProcess.StartAsync(options.WorkDirectory, LoadClients + 1,
            extraDevices: [Device(Camera, "camera"), Device(Speaker, "warning-device")],
            extraSections: new Dictionary<string, object>
            {
                ["spots"] = new[]
                {
                    new
                    {
                        id = "bench-spot", name = "Bench spot", cellId = "c1", lat = 28.2, lon = 112.97,
                        levels = new { normalM = 1.0, warningM = 2.0, dangerM = 3.0 },
                        rise = new { warningMPerHour = 0.3, dangerMPerHour = 1.0 },
                        devices = new { levelStation = station, cameras = new[] { new { id = Camera, zone = "z" } }, loudspeakers = new[] { Speaker } },
                    },
                },
            });

        var camera = await ConnectAsync(gateway, Camera);
        var speaker = await ConnectAsync(gateway, Speaker);
        var level = await ConnectAsync(gateway, station);
        var received = new SemaphoreSlim(0);
        speaker.ApplicationMessageReceivedAsync += _ =>
        {
            received.Release();
            return Task.CompletedTask;
        };
        await speaker.SubscribeAsync($"sc/v1/dev/{Speaker}/command", MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken);

        // Above the danger line: the spot's risk is orange, so every zone_enter sounds the loudspeaker.
        long seq = 0;
        for (var i = 0; i < 3; i++)
        {
            await Publish(level, $"sc/v1/dev/{station}/telemetry", Json($$"""{"v":1,"ts":{{Now}},"seq":{{++seq}},"level_m":3.5}"""), MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await gateway.MetricAsync("sc_ingest_accepted_total", "telemetry") >= 3) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, cancellationToken);
        }

        var publishers = await MqttLoad.ConnectAsync(gateway.MqttPort, LoadClients, i => (GatewayProcess.DeviceId(i), GatewayProcess.SecretOf(GatewayProcess.DeviceId(i))));
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var load = BackgroundLoad(publishers, loadRate, stopLoad.Token);
        var loadStart = await gateway.MetricAsync("sc_ingest_accepted_total", "telemetry");
        var loadWatch = Stopwatch.StartNew();

        var baseline = new List<double>(samples);
        var endToEnd = new List<double>(samples);
        long cameraSeq = 0;
        for (var i = 0; i < samples; i++)
        {
            var watch = Stopwatch.StartNew();
            await Publish(camera, $"sc/v1/dev/{Camera}/telemetry", Json($$"""{"v":1,"ts":{{Now}},"seq":{{++cameraSeq}},"fps":25}"""), MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken);
            baseline.Add(watch.Elapsed.TotalMilliseconds);

            watch.Restart();
            await Publish(camera, $"sc/v1/dev/{Camera}/event", Json($$"""{"v":1,"ts":{{Now}},"seq":{{++cameraSeq}},"type":"zone_enter","zone":"z","track":{{i}}}"""), MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken);
            if (!await received.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken))
            {
                throw new InvalidOperationException($"No command reached the loudspeaker for event {i}.");
            }

            endToEnd.Add(watch.Elapsed.TotalMilliseconds);
        }

        var achieved = (await gateway.MetricAsync("sc_ingest_accepted_total", "telemetry") - loadStart) / loadWatch.Elapsed.TotalSeconds;
        await stopLoad.CancelAsync();
        await load;
        var inside = await gateway.MetricsTextAsync();
        await MqttLoad.DisconnectAsync([.. publishers, camera, speaker, level]);

        var report = new BenchmarkReport(Name);
        report.Add("plain MQTT QoS 1 round trip p50", Percentile(baseline, 0.5), "ms");
        report.Add("plain MQTT QoS 1 round trip p99", Percentile(baseline, 0.99), "ms");
        report.Add("camera event → loudspeaker command p50", Percentile(endToEnd, 0.5), "ms", "MQTT round trip p50", Percentile(baseline, 0.5) / Percentile(endToEnd, 0.5));
        report.Add("camera event → loudspeaker command p99", Percentile(endToEnd, 0.99), "ms", "MQTT round trip p99", Percentile(baseline, 0.99) / Percentile(endToEnd, 0.99));
        var insideP99 = PrometheusText.HistogramQuantile(inside, "sc_water_danger_zone_command_seconds", 0.99) * 1000;
        report.Add("inside the gateway p50 (histogram)", PrometheusText.HistogramQuantile(inside, "sc_water_danger_zone_command_seconds", 0.5) * 1000, "ms");
        // Target: p99 ≤ 10 ms inside; expressed as a ratio 10 ms / p99 ≥ 1.
        report.Add("inside the gateway p99 (histogram)", insideP99, "ms", "10 ms target", 10 / insideP99, 1.0);
        report.Add("background telemetry accepted", achieved, "msg/s");
        report.Notes.Add($"{samples} events, one at a time; background load {LoadClients} stations at a requested {loadRate} msg/s (QoS 0).");
        report.Notes.Add("Histogram quantiles are interpolated inside Prometheus buckets (0.1, 0.25, 0.5, 1, 2.5, 5, 10 ms …).");
        return report;
    }

    private static object Device(string id, string kind) => new { id, kind, name = id, cellId = "c1", secret = GatewayProcess.SecretOf(id) };

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    private static async Task<IMqttClient> ConnectAsync(GatewayProcess gateway, string id) =>
        (await MqttLoad.ConnectAsync(gateway.MqttPort, 1, _ => (id, GatewayProcess.SecretOf(id))))[0];

    private static Task<MqttClientPublishResult> Publish(IMqttClient client, string topic, byte[] payload, MqttQualityOfServiceLevel qos, CancellationToken cancellationToken) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(qos).Build(), cancellationToken);

    /// <summary>Each client publishes its share every 10 ms, so the load is spread rather than bursty.</summary>
    private static Task BackgroundLoad(List<IMqttClient> clients, int rate, CancellationToken cancellationToken) =>
        Task.WhenAll(clients.Select((client, index) => Task.Run(async () =>
        {
            var id = GatewayProcess.DeviceId(index + 1);
            var perTick = Math.Max(1, rate / clients.Count / 100);
            long seq = 0;
            var topic = $"sc/v1/dev/{id}/telemetry";
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            try
            {
                while (await timer.WaitForNextTickAsync(cancellationToken))
                {
                    for (var k = 0; k < perTick; k++)
                    {
                        await Publish(client, topic, Json(string.Create(CultureInfo.InvariantCulture, $$"""{"v":1,"ts":{{Now}},"seq":{{++seq}},"level_m":1.5}""")), MqttQualityOfServiceLevel.AtMostOnce, cancellationToken);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None)));

    private static double Percentile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
    }
}
