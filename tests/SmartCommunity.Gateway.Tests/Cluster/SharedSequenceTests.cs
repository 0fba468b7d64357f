using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dapper;
using MQTTnet;
using Npgsql;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Testing;
using Xunit.Abstractions;

namespace SmartCommunity.Gateway.Tests.Cluster;

/// <summary>
/// Per-device de-duplication across gateways: mosquitto, one PostgreSQL and two real gateway processes on one shared
/// subscription, so each door unit's events are spread over both. Every event is published twice with the same
/// (boot, seq), as a device does when a PUBACK is lost; the broker routes many repeats to the other gateway than
/// the original. Each event is handled exactly once over the two gateways (no repeat passes on the gateway that did
/// not see the original), and none is taken for a repeat: not even one that is more than a window (256 numbers)
/// older than what both gateways have seen, the message a broker redelivers after a gateway dies.
/// </summary>
[Trait("Category", "Database")]
public sealed partial class SharedSequenceTests(ITestOutputHelper output) : IDisposable
{
    private const int Units = 4;
    private const int Series = 30;

    /// <summary>After the series: a new highest number (sent twice), then one more than a window below it, never sent before.</summary>
    private const long High = 400;
    private const long Late = 100;

    private static readonly long[] Unique = [.. Enumerable.Range(1, Series).Select(s => (long)s), Late, High];
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("sc-dedup-");

    private static string UnitId(int i) => "dedup-door-" + i.ToString("00", CultureInfo.InvariantCulture);

    [Fact]
    public async Task EachEventIsHandledOnceOverTheGatewaysAndNoneIsTakenForARepeat()
    {
        await using var mosquitto = await MosquittoProcess.StartAsync();
        var postgres = await PostgresProcess.Shared;
        var name = "sc_dedup_" + Guid.NewGuid().ToString("N")[..10];
        await postgres.EnsureDatabaseAsync(name);
        var connectionString = postgres.ConnectionString(name);
        var gateways = new List<GatewayProcess>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                gateways.Add(await GatewayProcess.StartAsync(_work.FullName, deviceCount: 0, Settings(i, mosquitto.Port, connectionString), Devices()));
            }

            await PublishAsync(mosquitto.Port);

            // Every publish handled or refused on some gateway (the counters move after each message's worker is done).
            const int published = Units * (Series * 2 + 3);
            await Eventually.TrueAsync(async () => await SumAsync(gateways, "sc_ingest_accepted_total", "class=\"event\"")
                    + await SumAsync(gateways, "sc_ingest_rejected_total", "reason=\"duplicate_sequence\"") >= published,
                TimeSpan.FromSeconds(90), "every event published was handled or refused by a gateway");
            var accepted = await SumAsync(gateways, "sc_ingest_accepted_total", "class=\"event\"");
            var refused = await SumAsync(gateways, "sc_ingest_rejected_total", "reason=\"duplicate_sequence\"");
            output.WriteLine($"accepted {accepted}, refused as repeats {refused}");
            Assert.Equal(Units * Unique.Length, accepted);
            Assert.Equal(Units * (Series + 1), refused);

            // The door log holds each event once (its batch commits a moment after the worker counted it).
            await Eventually.TrueAsync(() => StoredEvents(connectionString) == Units * Unique.Length, () => "door_events: " + StoredEvents(connectionString), TimeSpan.FromSeconds(30));
            using (var db = new NpgsqlConnection(connectionString))
            {
                for (var i = 0; i < Units; i++)
                {
                    Assert.Equal(Unique.Order(), db.Query<long>("SELECT seq FROM door_events WHERE device_id = @id ORDER BY seq", new { id = UnitId(i) }));
                }
            }

            // The point of sharing: repeats were refused by the gateway that did not handle the original.
            var crossed = 0;
            for (var node = 0; node < gateways.Count; node++)
            {
                crossed += await RefusedOriginalsOfOthersAsync(gateways[node], "dedup-node-" + node, connectionString);
            }

            output.WriteLine($"repeats refused by the gateway that did not handle the original: {crossed}");
            Assert.True(crossed > 0, "no repeat reached the other gateway than its original's: the shared subscription did not spread them");
        }
        finally
        {
            foreach (var gateway in gateways)
            {
                output.WriteLine(gateway.RecentOutput.Length > 2000 ? gateway.RecentOutput[^2000..] : gateway.RecentOutput);
                await gateway.DisposeAsync();
            }
        }
    }

    /// <summary>The repeats this gateway refused (its rejection log) whose original another gateway claimed.</summary>
    private static async Task<int> RefusedOriginalsOfOthersAsync(GatewayProcess gateway, string node, string connectionString)
    {
        using var http = await gateway.SignInAsAdminAsync();
        using var db = new NpgsqlConnection(connectionString);
        var crossed = 0;
        for (var i = 0; i < Units; i++)
        {
            var rejections = await http.GetFromJsonAsync<List<RejectionView>>($"/api/ingest/rejections?source={UnitId(i)}&limit=500");
            foreach (var rejection in rejections!.Where(r => r.Reason == "duplicate_sequence"))
            {
                var seq = long.Parse(SequenceOf().Match(rejection.Error).Groups[1].Value, CultureInfo.InvariantCulture);
                var claimer = db.QuerySingle<string>("SELECT node FROM ingest_seen WHERE device_id = @id AND seq = @seq", new { id = UnitId(i), seq });
                crossed += claimer == node ? 0 : 1;
            }
        }

        return crossed;
    }

    private sealed record RejectionView(string Source, string Reason, string Error);

    [GeneratedRegex(@"^Sequence (\d+) ")]
    private static partial Regex SequenceOf();

    private static async Task<double> SumAsync(List<GatewayProcess> gateways, string metric, string label)
    {
        double sum = 0;
        foreach (var gateway in gateways)
        {
            sum += await gateway.MetricAsync(metric, label);
        }

        return sum;
    }

    private static long StoredEvents(string connectionString)
    {
        using var db = new NpgsqlConnection(connectionString);
        return db.ExecuteScalar<long>("SELECT count(*) FROM door_events WHERE device_id LIKE 'dedup-door-%'");
    }

    /// <summary>Each unit: every number of the series twice in a row (QoS 1), then <see cref="High"/> twice, then <see cref="Late"/> once.</summary>
    private static async Task PublishAsync(int port)
    {
        await Task.WhenAll(Enumerable.Range(0, Units).Select(async i =>
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(UnitId(i))
                .WithCredentials(UnitId(i), "dedup-secret-" + UnitId(i)).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
            var sends = Enumerable.Range(1, Series).SelectMany(s => new long[] { s, s }).Concat([High, High, Late]);
            foreach (var seq in sends)
            {
                var result = await client.PublishAsync($"sc/v1/dev/{UnitId(i)}/event", Payloads.DoorEvent(seq, "passage", "in"));
                Assert.True(result.IsSuccess, $"{UnitId(i)} seq {seq}: {result.ReasonCode}");
            }

            await client.DisconnectAsync();
        }));
    }

    private static Dictionary<string, string> Settings(int node, int brokerPort, string connectionString) => new()
    {
        ["Broker__Mode"] = "External",
        ["Broker__Host"] = "127.0.0.1",
        ["Broker__ExternalPort"] = brokerPort.ToString(CultureInfo.InvariantCulture),
        ["Broker__ClientId"] = "dedup-node-" + node,
        ["Database__Provider"] = "PostgreSql",
        ["Database__ConnectionString"] = connectionString,
    };

    private static IEnumerable<object> Devices() => Enumerable.Range(0, Units)
        .Select(i => (object)new { id = UnitId(i), kind = "door-access", name = "Dedup door " + i, cellId = "c1", secret = "dedup-secret-" + UnitId(i) });

    public void Dispose() => _work.Delete(recursive: true);
}
