using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using MQTTnet;
using Npgsql;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Testing;
using Xunit.Abstractions;

namespace SmartCommunity.Gateway.Tests.Cluster;

/// <summary>
/// Scale-out end to end: mosquitto, one PostgreSQL and three real gateway processes (distinct Broker:ClientId,
/// one shared subscription). Door units publish forced-door events through the broker, so each unit's events are
/// spread over the three gateways. Every unit's alert is raised once and every node's API lists the same alerts;
/// escalation steps (ack timeout shortened to 15 s) fire once each; kill -9 of the lease holder moves the timers to
/// another gateway within 30 s, and escalation goes on there without a step lost or doubled. A guard's terminal and a
/// loudspeaker listen on the broker itself: every notification reaches the terminal once (also those of alerts
/// another node raised), and a discharge notice's warning that falls due after the kill is sent once, by a survivor.
/// </summary>
[Trait("Category", "Database")]
public sealed class ThreeGatewaysTests(ITestOutputHelper output) : IDisposable
{
    private const int Units = 8;
    private const string Officer = "cluster-officer";
    private const string Speaker = "cluster-speaker";
    private const string Reservoir = "cluster-reservoir";

    /// <summary>A forced door is raised as door_forced or folded into the unit's door_burst group (docs/alerts.md).</summary>
    private const string DoorAlerts = "a.type IN ('door_forced', 'door_burst')";
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("sc-three-");

    private static string UnitId(int i) => "cluster-door-" + i.ToString("00", CultureInfo.InvariantCulture);

    [Fact]
    public async Task ThreeGatewaysRaiseEachAlertOnceAgreeOnItAndMoveTheTimersWhenTheHolderIsKilled()
    {
        await using var mosquitto = await MosquittoProcess.StartAsync();
        var postgres = await PostgresProcess.Shared;
        var name = "sc_three_" + Guid.NewGuid().ToString("N")[..10];
        await postgres.EnsureDatabaseAsync(name);
        var connectionString = postgres.ConnectionString(name);
        var gateways = new List<GatewayProcess>();
        await using var terminal = await BrokerListener.StartAsync(mosquitto.Port, "officer-terminal", TopicScheme.PersonAlert(Officer));
        await using var speaker = await BrokerListener.StartAsync(mosquitto.Port, Speaker, TopicScheme.Command(Speaker));
        try
        {
            for (var i = 0; i < 3; i++)
            {
                // One after the other: each start also loads the same seed (idempotent) into the one database.
                gateways.Add(await GatewayProcess.StartAsync(_work.FullName, deviceCount: 0, Settings(i, mosquitto.Port, connectionString), Devices(), Sections()));
            }

            await PublishForcedDoorsAsync(mosquitto.Port);

            // Each unit: one open alert, raised once; every node's API lists the same ones.
            await Eventually.TrueAsync(async () => (await OpenAlertSourcesAsync(gateways[0])).Count == Units, TimeSpan.FromSeconds(60), "every unit's alert is open");
            // The row is claimed (inserted) before its batch commits the 'raised' line, so the API can list an alert a
            // moment before its history holds it (the clean-clone run saw 6 of 8).
            await Eventually.TrueAsync(() => RaisedLines(connectionString) >= Units, () => Describe(connectionString), TimeSpan.FromSeconds(30));
            using (var db = new NpgsqlConnection(connectionString))
            {
                Assert.Equal(Units, db.ExecuteScalar<long>($"SELECT count(*) FROM alerts a WHERE {DoorAlerts}"));
                Assert.Equal(Units, RaisedLines(connectionString));
            }

            var first = await OpenAlertSourcesAsync(gateways[0]);
            foreach (var gateway in gateways.Skip(1))
            {
                Assert.Equal(first, await OpenAlertSourcesAsync(gateway));
            }

            // The lease holder escalates every alert, whichever node raised it.
            var holder = await HolderAsync(gateways);
            await Eventually.TrueAsync(() => EscalatedAlerts(connectionString) == Units, () => Describe(connectionString), TimeSpan.FromSeconds(60));
            var raisedBy = new Dictionary<GatewayProcess, double>();
            foreach (var gateway in gateways)
            {
                raisedBy[gateway] = await gateway.MetricAsync("sc_alerts_raised_total");
                output.WriteLine($"node {gateways.IndexOf(gateway)}: raised {raisedBy[gateway]}, adopted {await gateway.MetricAsync("sc_alerts_adopted_total")}, "
                    + $"refused changes {await gateway.MetricAsync("sc_alerts_conflicts_total")}");
            }

            // A discharge notice, issued on another node: its first warning goes out at once, the lead-10 one after
            // the kill (gates open in 5 s, the wave takes 10 min 45 s to the spot: lead-10 is due 50 s from now).
            using (var http = await gateways.First(g => g != holder).SignInAsAdminAsync())
            {
                var issued = await http.PostAsJsonAsync("/api/water/notices", new { reservoirId = Reservoir, gateOpenAt = DateTimeOffset.UtcNow.AddSeconds(5), flowM3s = 500.0, durationMinutes = 30 });
                Assert.True(issued.IsSuccessStatusCode, await issued.Content.ReadAsStringAsync());
            }

            await Eventually.TrueAsync(() => SpeakerSteps(speaker).Count >= 1, TimeSpan.FromSeconds(30), "the notice's own warning reached the loudspeaker");
            await Eventually.TrueAsync(() => EscalatedOnTerminal(terminal, DateTimeOffset.MinValue, DoorAlertIds(connectionString)) == Units, TimeSpan.FromSeconds(30), "every alert's escalation reached the terminal");

            // kill -9 the holder: another node takes the timers within 30 s and goes on.
            output.WriteLine($"holder: node {gateways.IndexOf(holder)}; escalations before the kill: {Escalations(connectionString)}");
            var killedAt = DateTimeOffset.UtcNow;
            await holder.KillAsync();
            var survivors = gateways.Where(g => g != holder).ToList();
            var before = Escalations(connectionString);
            await Eventually.TrueAsync(async () => await HoldersAsync(survivors) == 1, TimeSpan.FromSeconds(30), "a surviving node holds the timers lease");
            await Eventually.TrueAsync(() => Escalations(connectionString) >= before + Units, () => Describe(connectionString), TimeSpan.FromSeconds(60));
            await Eventually.TrueAsync(() => SpeakerSteps(speaker).Contains("lead-10"), () => "loudspeaker steps: " + string.Join(", ", SpeakerSteps(speaker)), TimeSpan.FromSeconds(90));

            using (var db = new NpgsqlConnection(connectionString))
            {
                // Nothing doubled: each escalation in the history is one recorded step (escalate:{alert}:{due}).
                var perAlert = db.Query<(string Id, long History, long Fired)>("""
                    SELECT a.id, (SELECT count(*) FROM alert_history h WHERE h.alert_id = a.id AND h.kind = 'escalated'),
                           (SELECT count(*) FROM cluster_fired f WHERE f.key LIKE 'escalate:' || a.id || ':%')
                    FROM alerts a WHERE 
                    """ + DoorAlerts).ToList();
                foreach (var (id, history, fired) in perAlert)
                {
                    output.WriteLine($"{id}: {history} escalated, {fired} steps recorded");
                }

                Assert.All(perAlert, a => Assert.True(a.History <= a.Fired, $"alert {a.Id} escalated {a.History} times for {a.Fired} recorded steps"));
                Assert.All(perAlert, a => Assert.True(a.History >= 2, $"alert {a.Id} escalated only {a.History} times"));

                // The warning that fell due after the kill was sent by a survivor, and every warning step once.
                var lead10 = db.QuerySingle<string>("SELECT node FROM cluster_fired WHERE key LIKE 'discharge:%:lead-10'");
                Assert.NotEqual("cluster-node-" + gateways.IndexOf(holder), lead10);
                var steps = SpeakerSteps(speaker);
                Assert.Equal(steps.Distinct().Count(), steps.Count);

                // Every notification the history says the officer was sent (detail ends with "({notification id})")
                // reached the terminal, and none twice.
                var recorded = db.Query<string>("SELECT detail FROM alert_history WHERE kind IN ('notified', 'informed') AND actor = @officer", new { officer = Officer })
                    .Select(d => d[(d.LastIndexOf('(') + 1)..^1]).ToList();
                Assert.NotEmpty(recorded);
                await Eventually.TrueAsync(() => recorded.Except(TerminalIds(terminal)).Any() == false,
                    () => "never reached the terminal: " + string.Join(", ", recorded.Except(TerminalIds(terminal))), TimeSpan.FromSeconds(30));
                var ids = TerminalIds(terminal);
                Assert.Equal(ids.Distinct().Count(), ids.Count);
            }

            // Every alert reached the terminal escalated by the first holder and again by the new one: two nodes, and
            // an alert is raised by one node only, so each alert reached it from a node that did not raise it.
            Assert.Equal(Units, EscalatedOnTerminal(terminal, killedAt, DoorAlertIds(connectionString)));
            Assert.Equal(Units, raisedBy.Values.Sum());

            var open = await OpenAlertSourcesAsync(survivors[0]);
            Assert.Equal(open, await OpenAlertSourcesAsync(survivors[1]));
            Assert.Equal(Units, open.Count);
        }
        finally
        {
            foreach (var gateway in gateways)
            {
                await gateway.DisposeAsync();
            }
        }
    }

    private static Dictionary<string, string> Settings(int node, int brokerPort, string connectionString) => new()
    {
        ["Broker__Mode"] = "External",
        ["Broker__Host"] = "127.0.0.1",
        ["Broker__ExternalPort"] = brokerPort.ToString(CultureInfo.InvariantCulture),
        ["Broker__ClientId"] = "cluster-node-" + node,
        ["Database__Provider"] = "PostgreSql",
        ["Database__ConnectionString"] = connectionString,
        ["Alerts__AckTimeouts__Red"] = "00:00:15",
        ["Alerts__AckTimeouts__Orange"] = "00:00:15",
        ["Alerts__AckTimeouts__Yellow"] = "00:00:15",
        ["Alerts__AckTimeouts__Blue"] = "00:00:15",
        ["WaterSafety__Tick"] = "00:00:01",
    };

    /// <summary>The warning steps the loudspeaker was commanded for (reason <c>notice:{id}:{spot}:{step}</c>).</summary>
    private static List<string> SpeakerSteps(BrokerListener speaker) =>
        speaker.Where(c => c.TryGetProperty("reason", out var r) && r.GetString()!.StartsWith("notice:", StringComparison.Ordinal)
                && c.GetProperty("type").GetString() == "play_voice")
            .Select(c => c.GetProperty("reason").GetString()!.Split(':')[^1]).ToList();

    /// <summary>Door alerts whose escalation notification reached the terminal after <paramref name="since"/> (the speaker's unconfirmed commands raise alerts too).</summary>
    private static int EscalatedOnTerminal(BrokerListener terminal, DateTimeOffset since, HashSet<string> doorAlerts) =>
        terminal.Messages.Where(m => m.At > since && m.Json.GetProperty("reason").GetString() == "escalated")
            .Select(m => m.Json.GetProperty("alert_id").GetString()!).Where(doorAlerts.Contains).Distinct().Count();

    private static HashSet<string> DoorAlertIds(string connectionString)
    {
        using var db = new NpgsqlConnection(connectionString);
        return db.Query<string>($"SELECT a.id FROM alerts a WHERE {DoorAlerts}").ToHashSet(StringComparer.Ordinal);
    }

    private static List<string> TerminalIds(BrokerListener terminal) => terminal.Messages.Select(m => m.Json.GetProperty("notification_id").GetString()!).ToList();

    private static long RaisedLines(string connectionString)
    {
        using var db = new NpgsqlConnection(connectionString);
        return db.ExecuteScalar<long>($"SELECT count(*) FROM alert_history h JOIN alerts a ON a.id = h.alert_id WHERE h.kind = 'raised' AND {DoorAlerts}");
    }

    private static long EscalatedAlerts(string connectionString)
    {
        using var db = new NpgsqlConnection(connectionString);
        return db.ExecuteScalar<long>($"SELECT count(DISTINCT a.id) FROM alert_history h JOIN alerts a ON a.id = h.alert_id WHERE h.kind = 'escalated' AND {DoorAlerts}");
    }

    /// <summary>For a failure message: each door alert's row, as the database holds it.</summary>
    private static string Describe(string connectionString)
    {
        using var db = new NpgsqlConnection(connectionString);
        return string.Join("; ", db.Query<(string Id, string State, long? Next, string Body)>($"SELECT a.id, a.state, a.next_escalation_at, a.body FROM alerts a WHERE {DoorAlerts}")
            .Select(r => $"{r.Id} {r.State} next={r.Next} {r.Body}"));
    }

    public void Dispose() => _work.Delete(recursive: true);

    private static long Escalations(string connectionString)
    {
        using var db = new NpgsqlConnection(connectionString);
        return db.ExecuteScalar<long>($"SELECT count(*) FROM alert_history h JOIN alerts a ON a.id = h.alert_id WHERE h.kind = 'escalated' AND {DoorAlerts}");
    }

    private static async Task<GatewayProcess> HolderAsync(List<GatewayProcess> gateways)
    {
        GatewayProcess? holder = null;
        await Eventually.TrueAsync(async () =>
        {
            foreach (var gateway in gateways)
            {
                if (await gateway.MetricAsync("sc_cluster_leases_held") >= 1)
                {
                    holder = gateway;
                    return true;
                }
            }

            return false;
        }, TimeSpan.FromSeconds(30), "one node holds the timers lease");
        return holder!;
    }

    private static async Task<int> HoldersAsync(List<GatewayProcess> gateways)
    {
        var held = 0;
        foreach (var gateway in gateways)
        {
            held += await gateway.MetricAsync("sc_cluster_leases_held") >= 1 ? 1 : 0;
        }

        return held;
    }

    private static async Task<List<string>> OpenAlertSourcesAsync(GatewayProcess gateway)
    {
        using var http = await gateway.SignInAsAdminAsync();
        var alerts = await http.GetFromJsonAsync<JsonElement>("/api/alerts?limit=1000");
        return alerts.EnumerateArray().Where(a => a.GetProperty("state").GetString() is "raised" or "acknowledged"
                && a.GetProperty("type").GetString() is "door_forced" or "door_burst")
            .Select(a => a.GetProperty("source").GetProperty("id").GetString() + "/" + a.GetProperty("type").GetString())
            .Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Each unit sends five forced-door events (QoS 1); the shared subscription spreads them over the gateways.</summary>
    private static async Task PublishForcedDoorsAsync(int port)
    {
        await Task.WhenAll(Enumerable.Range(0, Units).Select(async i =>
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(UnitId(i))
                .WithCredentials(UnitId(i), "cluster-secret-" + UnitId(i)).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
            for (long seq = 1; seq <= 5; seq++)
            {
                var result = await client.PublishAsync($"sc/v1/dev/{UnitId(i)}/event", Payloads.DoorEvent(seq, "door_forced"));
                Assert.True(result.IsSuccess, $"{UnitId(i)} seq {seq}: {result.ReasonCode}");
            }

            await client.DisconnectAsync();
        }));
    }

    private static IEnumerable<object> Devices() => Enumerable.Range(0, Units)
        .Select(i => (object)new { id = UnitId(i), kind = "door-access", name = "Cluster door " + i, cellId = "c1", secret = "cluster-secret-" + UnitId(i) })
        .Append(new { id = Speaker, kind = "warning-device", name = "Cluster speaker", cellId = "c1", secret = "cluster-secret-speaker" })
        .Append(new { id = "cluster-level", kind = "water-level", name = "Cluster level", cellId = "c1", secret = "cluster-secret-level" });

    /// <summary>
    /// Someone responsible for cell c1, so alerts are routed and escalate (at the top tier, again each timeout); a
    /// spot with a loudspeaker below a reservoir whose wave takes 10 min 45 s to it (the lead-10 warning is due 45 s
    /// after the gates open).
    /// </summary>
    private static Dictionary<string, object> Sections() => new()
    {
        ["people"] = new[] { new { id = Officer, name = "Officer", role = "guard", duty = "Community", cells = new[] { "c1" }, password = "cluster-password-1" } },
        ["spots"] = new[]
        {
            new
            {
                id = "cluster-spot", name = "沙洲滩 Sandbar", cellId = "c1", lat = 28.1996, lon = 112.9671, reachId = "reach-1",
                levels = new { normalM = 30.0, warningM = 31.0, dangerM = 32.0 }, rise = new { warningMPerHour = 0.3, dangerMPerHour = 1.0 },
                riskTimes = new { dailyHours = new[] { "16:00-19:00" }, seasons = new[] { "07-01..08-31" }, weekends = true },
                devices = new { levelStation = "cluster-level", loudspeakers = new[] { Speaker } },
            },
        },
        ["reservoirs"] = new[]
        {
            new
            {
                id = Reservoir, name = "青溪水库 Qingxi Reservoir",
                reaches = new[] { new { id = "reach-1", name = "青溪下游 Lower Qingxi", spots = new[] { new { spotId = "cluster-spot", bands = new[] { new { maxFlowM3s = 1000.0, travelMinutes = 10.75 } } } } } },
            },
        },
    };
}
