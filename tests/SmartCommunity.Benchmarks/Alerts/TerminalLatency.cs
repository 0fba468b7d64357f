using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Broker;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Serialization;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Benchmarks.Alerts;

/// <summary>
/// Raise-to-terminal latency: a real MQTT client logged in as guard-0 subscribes to its alert topic; probes
/// are raised in its cell while a steady load of alerts is raised in the other cells. Baseline: the same
/// probes published straight to the broker (what the MQTT path costs without the engine), same load.
/// </summary>
internal static class TerminalLatency
{
    private const int OpenWindow = 2_000;

    public sealed record Result(double EngineP50, double EngineP99, double DirectP50, double DirectP99, string Note);

    public static async Task<Result> MeasureAsync(AlertsBenchHost host, bool quick, CancellationToken cancellationToken)
    {
        var probes = quick ? 150 : 1_500;
        var loadPerSecond = quick ? 2_000 : 5_000;
        var sent = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var latencies = new ConcurrentBag<double>();
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            var now = Stopwatch.GetTimestamp();
            var title = JsonDocument.Parse(e.ApplicationMessage.ConvertPayloadToString()).RootElement.GetProperty("title_en").GetString()!;
            if (sent.TryRemove(title, out var at))
            {
                latencies.Add(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
            }

            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", host.MqttPort).WithClientId("guard-0/radio")
            .WithCredentials("guard-0", AlertsBenchHost.Password).Build(), cancellationToken);
        await client.SubscribeAsync(TopicScheme.PersonAlert("guard-0"), MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken);

        var alerts = host.Get<IAlertService>();
        var bus = host.Get<IDeviceBus>();
        using var stopLoad = new CancellationTokenSource();
        var load = Task.Run(() => Load(alerts, loadPerSecond, stopLoad.Token), CancellationToken.None);

        var engine = await ProbeAsync("engine", probes, sent, latencies, (title, i) =>
        {
            alerts.Raise(AlertsBenchHost.Trigger("probe-" + i, 0, AlertLevel.Red, title));
            return Task.CompletedTask;
        }, cancellationToken);
        var direct = await ProbeAsync("direct", probes, sent, latencies, (title, i) =>
        {
            var payload = JsonSerializer.SerializeToUtf8Bytes(new PersonAlertMessage { AlertId = "direct-" + i, TitleEn = title, Level = "red" }, ProtocolJsonContext.Default.PersonAlertMessage);
            return bus.PublishAsync(TopicScheme.PersonAlert("guard-0"), payload, 1, false, cancellationToken);
        }, cancellationToken);

        await stopLoad.CancelAsync();
        var raisedLoad = await load;
        await client.DisconnectAsync(cancellationToken: cancellationToken);
        return new Result(engine.P50, engine.P99, direct.P50, direct.P99, string.Create(CultureInfo.InvariantCulture,
            $"Latency: {probes} probes every 10 ms per path to a real MQTTnet subscriber (QoS 1) while {raisedLoad} load alerts were raised (and each resolved 2 000 later, so ~2 000 stay open) at ~{loadPerSecond}/s in 49 other cells; lost probes: engine {engine.Lost}, direct {direct.Lost}."));
    }

    private static async Task<(double P50, double P99, int Lost)> ProbeAsync(string name, int probes, ConcurrentDictionary<string, long> sent,
        ConcurrentBag<double> latencies, Func<string, int, Task> send, CancellationToken cancellationToken)
    {
        latencies.Clear();
        for (var i = 0; i < probes; i++)
        {
            var title = $"{name}-probe-{i}";
            sent[title] = Stopwatch.GetTimestamp();
            await send(title, i);
            await Task.Delay(10, cancellationToken);
        }

        var deadline = Stopwatch.StartNew();
        while (latencies.Count < probes && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20, cancellationToken);
        }

        var sorted = latencies.Order().ToArray();
        sent.Clear();
        return sorted.Length == 0 ? (double.NaN, double.NaN, probes) : (sorted[sorted.Length / 2], sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))], probes - sorted.Length);
    }

    /// <summary>
    /// A steady churn in cells 1…49, paced per millisecond slice: each step raises a new alert and resolves the
    /// one raised <see cref="OpenWindow"/> steps earlier, so about that many stay open (a busy community, not an
    /// ever-growing heap).
    /// </summary>
    private static long Load(IAlertService alerts, int perSecond, CancellationToken stop)
    {
        long raised = 0;
        var clock = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * perSecond);
            for (; raised < due; raised++)
            {
                alerts.Raise(AlertsBenchHost.Trigger("load-" + raised, 1 + (int)(raised % (AlertsBenchHost.Cells - 1)), AlertLevel.Yellow));
                if (raised >= OpenWindow)
                {
                    alerts.Resolve(new AlertSource("spot", "load-" + (raised - OpenWindow)), "intrusion", "cleared");
                }
            }

            Thread.Sleep(1); // Pacing of the load generator, not a wait in a test.
        }

        return raised;
    }
}
