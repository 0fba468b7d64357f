using System.Diagnostics;
using System.Globalization;
using MQTTnet;
using MQTTnet.Protocol;
using SmartCommunity.Benchmarks.Harness;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Testing;

namespace SmartCommunity.Benchmarks.Ingest;

/// <summary>
/// Memory with many devices connected: the gateway's resident set with N authenticated device connections that
/// have each published a reading, next to mosquitto holding the same connections (anonymous) in the same run.
/// <c>SC_BENCH_GATEWAY_SETTINGS</c> (<c>Key=Value;…</c>, e.g. <c>DOTNET_gcServer=1</c>) starts the gateway with those
/// settings: the benchmarks run it with Workstation GC, the product's runtimeconfig asks for Server GC.
/// </summary>
public sealed class ConnectionsBenchmark : IBenchmark
{
    public string Name => "connections";

    public string Description => "gateway RSS with 10 000 connected devices (target ≤ 300 MB), mosquitto alongside";

    public async Task<BenchmarkReport> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var devices = options.Quick ? 1_000 : 10_000;
        var report = new BenchmarkReport(Name);
        var settings = IngestBenchmark.ParseVariant(Environment.GetEnvironmentVariable("SC_BENCH_GATEWAY_SETTINGS"));

        await using (var gateway = await GatewayProcess.StartAsync(options.WorkDirectory, devices, settings))
        {
            var idle = gateway.ResidentMegabytes();
            var watch = Stopwatch.StartNew();
            var clients = await ConnectAllAsync(gateway.MqttPort, devices, withSecrets: true, cancellationToken);
            var connectSeconds = watch.Elapsed.TotalSeconds;
            await PublishOneEachAsync(clients);
            await WaitForAsync(async () => await gateway.MetricAsync("sc_ingest_accepted_total", "telemetry") >= devices);
            var online = await gateway.MetricAsync("sc_devices_online");
            var rss = gateway.ResidentMegabytes();
            report.Add("gateway RSS, started with the registry, no connections", idle, "MB");
            report.Add($"gateway RSS, {devices} devices connected and reporting", rss, "MB", "target 300 MB", 300 / rss, 1.0);
            report.Add("devices the gateway sees online", online, "devices");
            report.Add("connect rate (authenticated, PBKDF2 per device)", devices / connectSeconds, "connections/s");
            await DisconnectAllAsync(clients);
        }

        await using (var mosquitto = await MosquittoProcess.StartAsync())
        {
            var clients = await ConnectAllAsync(mosquitto.Port, devices, withSecrets: false, cancellationToken);
            await PublishOneEachAsync(clients);
            var pid = Process.GetProcessesByName("mosquitto").OrderByDescending(p => p.StartTime).First().Id;
            report.Add($"mosquitto RSS, {devices} connections (anonymous, routing only)", ResidentMegabytes(pid), "MB");
            await DisconnectAllAsync(clients);
        }

        if (settings is not null)
        {
            report.Notes.Add("Gateway started with " + string.Join(' ', settings.Select(s => s.Key + "=" + s.Value)) + ".");
        }

        report.Notes.Add("RSS read from /proc/{pid}/status (VmRSS) after every device published one reading; the ratio column is target ÷ measured (≥ 1 meets it).");
        return report;
    }

    private static async Task<List<IMqttClient>> ConnectAllAsync(int port, int count, bool withSecrets, CancellationToken cancellationToken)
    {
        var clients = new IMqttClient[count];
        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(Enumerable.Range(1, count).Select(async i =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var id = GatewayProcess.DeviceId(i);
                var client = new MqttClientFactory().CreateMqttClient();
                var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(id)
                    .WithCredentials(id, withSecrets ? GatewayProcess.SecretOf(id) : null)
                    .WithKeepAlivePeriod(TimeSpan.FromMinutes(5)).WithTimeout(TimeSpan.FromSeconds(60)).Build();
                var result = await client.ConnectAsync(options, cancellationToken);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                {
                    throw new InvalidOperationException($"{id}: {result.ResultCode}");
                }

                clients[i - 1] = client;
            }
            finally
            {
                gate.Release();
            }
        }));
        return [.. clients];
    }

    private static async Task PublishOneEachAsync(List<IMqttClient> clients) =>
        await Task.WhenAll(clients.Select((client, index) => client.PublishAsync(new MqttApplicationMessage
        {
            Topic = TopicScheme.Telemetry(GatewayProcess.DeviceId(index + 1)),
            PayloadSegment = System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $$"""{"v":1,"ts":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"seq":1,"level_m":3.2}""")),
            QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
        })));

    private static async Task DisconnectAllAsync(List<IMqttClient> clients)
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }

        await Task.CompletedTask;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!await condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }

    private static double ResidentMegabytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return double.NaN;
    }
}
