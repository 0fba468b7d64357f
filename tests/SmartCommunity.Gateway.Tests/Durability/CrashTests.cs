using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Testing;
using Xunit.Abstractions;

namespace SmartCommunity.Gateway.Tests.Durability;

/// <summary>
/// Acknowledged means durable: door units publish QoS 1 events while the real gateway process is killed with
/// SIGKILL at random moments and restarted on the same data. Every event that got a PUBACK must be in the door
/// event log afterwards, the shelter's occupancy must equal the stored arrivals exactly, and every acknowledged
/// "forced" event must have its alert.
/// </summary>
[Trait("Category", "Crash")]
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Units = 16;
    private const int Kills = 3;
    private const string ShelterId = "crash-shelter";
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("sc-crash-");

    public static string UnitId(int i) => "crash-door-" + i.ToString("00", CultureInfo.InvariantCulture);

    [Fact]
    public async Task NoAcknowledgedDoorEventIsLostAcrossKillNine()
    {
        await using var gateway = await GatewayProcess.StartAsync(_work.FullName, deviceCount: 0, extraDevices: Devices(), extraSections: Sections());
        await KillAndCountAsync(gateway, gateway.MqttPort, eventsPerUnit: int.MaxValue);
    }

    /// <summary>
    /// External-broker mode: the units publish to mosquitto, which acknowledges on receipt and holds each message in
    /// the gateway's persistent session until the gateway acknowledges it, after the journal commit. A gateway
    /// killed between the two gets the message again when it reconnects.
    /// </summary>
    [Fact]
    public async Task NoEventMosquittoAcknowledgedIsLostWhenTheGatewayBehindItIsKilled()
    {
        await using var mosquitto = await MosquittoProcess.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["Broker__Mode"] = "External",
            ["Broker__Host"] = "127.0.0.1",
            ["Broker__ExternalPort"] = mosquitto.Port.ToString(CultureInfo.InvariantCulture),
            ["Broker__ClientId"] = "crash-gateway",
        };
        await using var gateway = await GatewayProcess.StartAsync(_work.FullName, deviceCount: 0, settings, Devices(), Sections());
        // mosquitto takes events faster than the gateway stores them durably; a bounded run keeps the backlog
        // (which each kill interrupts) to what CI drains in about a minute.
        await KillAndCountAsync(gateway, mosquitto.Port, eventsPerUnit: 1500);
    }

    private async Task KillAndCountAsync(GatewayProcess gateway, int devicePort, int eventsPerUnit)
    {
        var random = new Random(20261203);
        using var stop = new CancellationTokenSource();
        var units = Enumerable.Range(0, Units).Select(i => new DoorUnitPublisher(UnitId(i), "crash-secret-" + UnitId(i), () => devicePort, eventsPerUnit)).ToList();
        var publishing = units.Select(u => Task.Run(() => u.RunAsync(stop.Token))).ToList();

        for (var kill = 0; kill < Kills; kill++)
        {
            // Let the gateway get going (after a restart too), then cut the power at a random moment.
            await StoringAgainAsync(gateway, units);
            await Task.Delay(random.Next(200, 1500));
            var acknowledgedBefore = units.Sum(u => u.Acknowledged.Count);
            await gateway.KillAsync();
            output.WriteLine($"kill {kill + 1}: {acknowledgedBefore} acknowledged so far");
            await gateway.RestartAsync();
        }

        await StoringAgainAsync(gateway, units);
        await stop.CancelAsync();
        await Task.WhenAll(publishing);

        var acknowledged = units.SelectMany(u => u.Acknowledged.Select(seq => (u.Id, seq))).ToHashSet();
        output.WriteLine($"{acknowledged.Count} events acknowledged in all");
        Assert.True(acknowledged.Count > Units * 50, $"too few events were published to prove anything ({acknowledged.Count})");

        // Everything acknowledged is stored (the last batch may still be committing: wait for it, no longer).
        var stored = StoredDoorEvents(gateway.DataDirectory);
        for (var wait = 0; wait < 60 && !acknowledged.IsSubsetOf(stored); wait++)
        {
            await Task.Delay(1000);
            stored = StoredDoorEvents(gateway.DataDirectory);
        }

        var missing = acknowledged.Except(stored).OrderBy(e => e.Item1).ThenBy(e => e.Item2).ToList();
        if (missing.Count > 0)
        {
            foreach (var line in (await gateway.MetricsTextAsync()).Split('\n').Where(l => l.StartsWith("sc_ingest", StringComparison.Ordinal) || l.StartsWith("sc_broker", StringComparison.Ordinal)))
            {
                output.WriteLine(line);
            }
        }

        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged but never stored: " + string.Join(", ", missing.Take(40)));

        using var http = await gateway.SignInAsAdminAsync();
        // Occupancy counts each stored arrival exactly once, replays included. Units send arrivals only (and one
        // "forced" first), so it is the number of stored passages.
        var arrivals = stored.Count(e => e.Item2 > 1);
        await Eventually.TrueAsync(async () => await OccupantsAsync(http) == arrivals, TimeSpan.FromMinutes(1), "occupancy matches the stored arrivals");
        Assert.Equal(arrivals, await OccupantsAsync(http));

        var forcedAlerts = await ForcedAlertSourcesAsync(http);
        var unalarmed = units.Where(u => u.Acknowledged.Contains(1) && !forcedAlerts.Contains(u.Id)).Select(u => u.Id).ToList();
        Assert.True(unalarmed.Count == 0, "acknowledged door_forced without an alert: " + string.Join(", ", unalarmed));
    }

    /// <summary>Waits until the gateway has stored 200 more door events, or has caught up with everything acknowledged.</summary>
    private static async Task StoringAgainAsync(GatewayProcess gateway, List<DoorUnitPublisher> units)
    {
        var start = StoredCount(gateway.DataDirectory);
        await Eventually.TrueAsync(() => StoredCount(gateway.DataDirectory) is var n && (n >= start + 200 || n >= units.Sum(u => u.Acknowledged.Count)),
            TimeSpan.FromMinutes(2), "the gateway storing events");
    }

    private static long StoredCount(string dataDirectory)
    {
        using var connection = TestDatabase.Open(dataDirectory);
        return connection.ExecuteScalar<long>("SELECT COUNT(*) FROM door_events");
    }

    private static HashSet<(string, long)> StoredDoorEvents(string dataDirectory)
    {
        using var connection = TestDatabase.Open(dataDirectory);
        return connection.Query<(string, long)>("SELECT device_id, seq FROM door_events").ToHashSet();
    }


    private static async Task<long> OccupantsAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<JsonElement>($"/api/shelters/{ShelterId}")).GetProperty("occupancy") is { ValueKind: JsonValueKind.Object } o ? o.GetProperty("occupants").GetInt64() : 0;

    private static async Task<HashSet<string>> ForcedAlertSourcesAsync(HttpClient http)
    {
        // A forced door is raised as door_forced, or folded into the unit's door_burst group (docs/alerts.md).
        var alerts = await http.GetFromJsonAsync<JsonElement>("/api/alerts?limit=1000");
        return alerts.EnumerateArray()
            .Where(a => a.GetProperty("source").GetProperty("kind").GetString() == "door" && a.GetProperty("type").GetString() is "door_forced" or "door_burst")
            .Select(a => a.GetProperty("source").GetProperty("id").GetString()!).ToHashSet();
    }

    private static IEnumerable<object> Devices() => Enumerable.Range(0, Units)
        .Select(i => (object)new { id = UnitId(i), kind = "door-access", name = "Crash door " + i, cellId = "c1", secret = "crash-secret-" + UnitId(i) });

    private static Dictionary<string, object> Sections() => new()
    {
        ["shelters"] = new[]
        {
            new
            {
                id = ShelterId,
                name = "Crash-test shelter",
                @class = "central",
                duration = "I",
                effectiveAreaM2 = 1_000_000,
                cellId = "c1",
                lat = 28.19,
                lon = 112.97,
                open = true,
                entrances = Enumerable.Range(0, Units).Select(i => new { id = "gate-" + i, name = "Gate " + i, sources = new[] { new { device = UnitId(i) } } }).ToArray(),
            },
        },
    };

    public void Dispose() => _work.Delete(recursive: true);

    /// <summary>
    /// A door unit as an edge agent drives it: QoS 1, one event at a time, and after a lost connection it
    /// reconnects and sends the unacknowledged event again (store-and-forward), as the real agent does.
    /// </summary>
    private sealed class DoorUnitPublisher(string id, string secret, Func<int> port, int maxEvents)
    {
        public string Id => id;

        public ConcurrentBag<long> Acknowledged { get; } = [];


        public async Task RunAsync(CancellationToken stop)
        {
            long seq = 1;
            while (!stop.IsCancellationRequested)
            {
                using var client = new MQTTnet.MqttClientFactory().CreateMqttClient();
                try
                {
                    var options = new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port()).WithClientId(id).WithCredentials(id, secret)
                        .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithTimeout(TimeSpan.FromSeconds(10)).Build();
                    await client.ConnectAsync(options, stop);
                    while (!stop.IsCancellationRequested)
                    {
                        var payload = seq == 1 ? Support.Payloads.DoorEvent(seq, "door_forced") : Support.Payloads.DoorEvent(seq, "passage", "in");
                        var result = await Support.Payloads.PublishAsync(client, $"sc/v1/dev/{id}/event", payload);
                        if (!result.IsSuccess)
                        {
                            // Not acknowledged as taken (the gateway is stopping, say): keep it and send it again.
                            await Task.Delay(50, CancellationToken.None);
                            continue;
                        }

                        Acknowledged.Add(seq);
                        if (++seq > maxEvents)
                        {
                            return;
                        }
                    }
                }
                catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or TimeoutException
                    or MQTTnet.Adapter.MqttConnectingFailedException)
                {
                    // The gateway is down or restarting: try again with the same, unacknowledged event.
                    if (!stop.IsCancellationRequested)
                    {
                        await Task.Delay(100, CancellationToken.None);
                    }
                }
            }
        }
    }
}
