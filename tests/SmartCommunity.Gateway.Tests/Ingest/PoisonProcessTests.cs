using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using MQTTnet;
using MQTTnet.Protocol;
using SmartCommunity.Testing;
using SmartCommunity.Testing.Fuzzing;
using Xunit.Abstractions;

namespace SmartCommunity.Gateway.Tests.Ingest;

/// <summary>
/// Issue 19 end to end: authenticated devices flood the real gateway process with hostile payloads (the fuzzing
/// generators' mutations of valid messages, extreme numbers such as <c>"ts": 2^62</c>, invalid UTF-8, deep nesting,
/// random bytes) on every topic they may use, while other door units publish good events. The process must live,
/// report healthy, refuse and count the hostile messages, and store every good event it acknowledged.
/// </summary>
[Trait("Category", "Hostile")]
public sealed class PoisonProcessTests(ITestOutputHelper output) : IDisposable
{
    private const int GoodUnits = 3;
    private const int HostileUnits = 3;
    private const int GoodEventsPerUnit = 150;
    private const int HostilePerUnit = 1500;
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("sc-poison-");

    private static string Good(int i) => "good-door-" + i.ToString(CultureInfo.InvariantCulture);

    private static string Hostile(int i) => "hostile-door-" + i.ToString(CultureInfo.InvariantCulture);

    private static string SecretOf(string id) => "secret-of-" + id;

    [Fact]
    public async Task HostileFloodsFromAuthenticatedDevicesCostOnlyThemselves()
    {
        var devices = Enumerable.Range(0, GoodUnits).Select(Good).Concat(Enumerable.Range(0, HostileUnits).Select(Hostile))
            .Select(id => (object)new { id, kind = "door-access", name = id, cellId = "c1", secret = SecretOf(id) });
        await using var gateway = await GatewayProcess.StartAsync(_work.FullName, deviceCount: 0, extraDevices: devices);

        var hostile = Enumerable.Range(0, HostileUnits).Select(i => Task.Run(() => FloodAsync(gateway.MqttPort, Hostile(i), seed: i))).ToList();
        var good = Enumerable.Range(0, GoodUnits).Select(i => Task.Run(() => PublishGoodAsync(gateway.MqttPort, Good(i)))).ToList();
        var sent = await Task.WhenAll(hostile);
        var acknowledged = await Task.WhenAll(good);
        output.WriteLine($"hostile messages sent: {sent.Sum()}");

        Assert.False(gateway.HasExited, "the gateway process died");
        var health = await gateway.Http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        // Everything a good unit had acknowledged is stored (the last batch may still be committing).
        using var http = await gateway.SignInAsAdminAsync();
        for (var i = 0; i < GoodUnits; i++)
        {
            var id = Good(i);
            var expected = acknowledged[i];
            Assert.Equal(GoodEventsPerUnit, expected.Count);
            await Eventually.TrueAsync(async () => (await StoredSeqsAsync(http, id)).IsSupersetOf(expected), TimeSpan.FromSeconds(30), $"every acknowledged event of {id} stored");
        }

        // The hostile ones were refused and counted, and the refusals name the hostile devices only.
        var refused = await gateway.MetricAsync("sc_ingest_rejected_total");
        output.WriteLine($"refused: {refused}");
        Assert.True(refused > HostileUnits * HostilePerUnit / 2, $"only {refused} of the hostile messages were refused");
        Assert.Equal(0, await gateway.MetricAsync("sc_ingest_rejected_total", "reason=\"internal_error\""));
    }

    private static async Task<int> FloodAsync(int port, string id, int seed)
    {
        var template = JsonTemplate.Of(("v", "1"), ("ts", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
            ("seq", "1"), ("boot", "1"), ("type", "\"passage\""), ("door", "\"east\""), ("direction", "\"in\""), ("count", "1"));
        var payloads = HostileJson.Documents(Gen.Constant(template))
            .Sample(HostilePerUnit, new Rnd((ulong)(seed + 1)), 50).ToList();
        var topics = new[] { $"sc/v1/dev/{id}/event", $"sc/v1/dev/{id}/telemetry", $"sc/v1/dev/{id}/status" };
        var sent = 0;
        var client = await ConnectAsync(port, id);
        foreach (var payload in payloads)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            if (!client.IsConnected)
            {
                // A payload over the packet limit ends the connection (issue 19); the device comes back, as one would.
                client.Dispose();
                client = await ConnectAsync(port, id);
            }

            var message = new MqttApplicationMessageBuilder().WithTopic(topics[sent % topics.Length]).WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
            try
            {
                await client.PublishAsync(message, timeout.Token);
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
            {
                // Cut off for this message (or the connection was cut while it was under way); the next loop reconnects.
            }

            sent++;
        }

        client.Dispose();
        return sent;
    }

    private static async Task<HashSet<long>> PublishGoodAsync(int port, string id)
    {
        var acknowledged = new HashSet<long>();
        using var client = await ConnectAsync(port, id);
        for (long seq = 1; seq <= GoodEventsPerUnit; seq++)
        {
            var result = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"sc/v1/dev/{id}/event")
                .WithPayload(Support.Payloads.DoorEvent(seq, "passage", "in")).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.True(result.IsSuccess, $"{id} seq {seq}: {result.ReasonCode} {result.ReasonString}");
            acknowledged.Add(seq);
        }

        return acknowledged;
    }

    private static MqttClientOptions Options(int port, string id) => new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port)
        .WithClientId(id).WithCredentials(id, SecretOf(id)).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
        .WithTimeout(TimeSpan.FromSeconds(20)).Build();

    private static async Task<IMqttClient> ConnectAsync(int port, string id)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(Options(port, id));
        return client;
    }

    private static async Task<HashSet<long>> StoredSeqsAsync(HttpClient http, string device)
    {
        var events = await http.GetFromJsonAsync<JsonElement>($"/api/doors/events?device={device}&limit=1000");
        return events.EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()).ToHashSet();
    }


    public void Dispose() => _work.Delete(recursive: true);
}
