using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.DoorAccess.Events;
using SmartCommunity.Gateway.Tests.Alerts;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.Tests.DoorAccess;

/// <summary>Door units over MQTT on the real gateway: alarms through the alerts engine, the event log, masking, replays.</summary>
public sealed class DoorEventTests
{
    private const string Unit = TestCommunity.DoorUnit; // in building B

    private static string Event(long seq, string type, long? ts = null, string? card = null, string? person = null, string door = "east") =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"v":1,"ts":{{ts ?? Payloads.NowMs}},"seq":{{seq}},"type":"{{type}}","door":"{{door}}"{{(card is null ? "" : $",\"card\":\"{card}\"")}}{{(person is null ? "" : $",\"person\":\"{person}\"")}}}""");

    /// <summary>The unit's door alerts (a restart also raises a device_offline alert for it, which is not ours).</summary>
    private static List<Alert> DoorAlerts(AlertsTestBed bed) => [.. bed.OpenFor(Unit).Where(a => a.Source.Kind == "door")];

    private static async Task SettleAsync(AlertsTestBed bed)
    {
        await bed.Gateway.Get<DoorEventLog>().FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await bed.FlushAsync();
    }

    private static async Task PublishAndSettleAsync(AlertsTestBed bed, MQTTnet.IMqttClient door, params string[] payloads)
    {
        var log = bed.Gateway.Get<DoorEventLog>();
        var before = log.Query(new DoorEventFilter(Unit, null, null, null, null, null, null, null, null, 1000)).Count;
        foreach (var payload in payloads)
        {
            await door.PublishAsync(TopicScheme.Event(Unit), payload);
        }

        // Ingest runs on its own workers: wait until the log holds what was published (duplicates excepted), then settle.
        await SmartCommunity.Testing.Eventually.TrueAsync(async () =>
        {
            await log.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
            return log.Query(new DoorEventFilter(Unit, null, null, null, null, null, null, null, null, 1000)).Count >= before + payloads.Length;
        }, TimeSpan.FromSeconds(20), "the events are stored");
        await SettleAsync(bed);
    }

    [Fact]
    public async Task ForcedHeldAndTamperFoldIntoOneBurstInTheUnitsCellAndDuressAndPowerLossAreAlertsOfTheirOwn()
    {
        await using var bed = AlertsTestBed.Start();
        using var door = await bed.Gateway.ConnectDeviceAsync(Unit);

        await PublishAndSettleAsync(bed, door, Event(1, "door_held"), Event(2, "door_forced"), Event(3, "tamper"));
        var burst = Assert.Single(bed.OpenFor(Unit));
        Assert.Equal(("door_burst", AlertLevel.Red, 3, TestCommunity.BuildingB), (burst.Type, burst.Level, burst.Count, burst.CellId));
        Assert.Equal(new AlertSource("door", Unit), burst.Source);

        await PublishAndSettleAsync(bed, door, Event(4, "duress"), Event(5, "power_loss"));
        Assert.Equal(["door_burst", "door_duress", "door_power_loss"], bed.OpenFor(Unit).Select(a => a.Type).Order(StringComparer.Ordinal));
        Assert.Equal(AlertLevel.Red, bed.OpenFor(Unit).Single(a => a.Type == "door_duress").Level);

        using var guard = await bed.Gateway.LoginAsync("guard-b");
        var units = await guard.GetFromJsonAsync<JsonElement>("/api/doors/units");
        Assert.True(units.EnumerateArray().Single(u => u.GetProperty("id").GetString() == Unit).GetProperty("powerLost").GetBoolean());

        // The restore event clears its alarm; the others stay for a person (or the burst's quiet window).
        await PublishAndSettleAsync(bed, door, Event(6, "power_restored"));
        Assert.Equal(["door_burst", "door_duress"], bed.OpenFor(Unit).Select(a => a.Type).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DeniedPresentationsBecomeOneAlertWithTheirCountOnlyFromTheBurstThresholdOn()
    {
        await using var bed = AlertsTestBed.Start();
        using var door = await bed.Gateway.ConnectDeviceAsync(Unit);

        await PublishAndSettleAsync(bed, door, [.. Enumerable.Range(1, 4).Select(i => Event(i, "access_denied", card: "C10000" + i))]);
        Assert.Empty(bed.OpenFor(Unit)); // four refusals in two minutes: people mistype, no alert

        await PublishAndSettleAsync(bed, door, Event(5, "access_denied", card: "C100005"));
        var burst = Assert.Single(bed.OpenFor(Unit));
        Assert.Equal(("door_burst", AlertLevel.Yellow, 5), (burst.Type, burst.Level, burst.Count));
        Assert.DoesNotContain("C10000", burst.Text.En + burst.Text.Zh + burst.Title.En, StringComparison.Ordinal);

        await PublishAndSettleAsync(bed, door, Event(6, "access_denied"), Event(7, "access_denied"));
        Assert.Equal(7, Assert.Single(bed.OpenFor(Unit)).Count);
    }

    [Fact]
    public async Task AReplayAfterARestartIsStoredAndAlarmedOnceAndLateEventsArePlacedByDeviceTime()
    {
        var bed = AlertsTestBed.Start();
        try
        {
            using (var door = await bed.Gateway.ConnectDeviceAsync(Unit))
            {
                await PublishAndSettleAsync(bed, door, Event(1, "door_forced"), Event(2, "access_granted"));
            }

            var first = Assert.Single(DoorAlerts(bed));
            Assert.Equal(1, first.Count);
            await bed.DisposeAsync();
            bed = AlertsTestBed.Start(reopenOf: bed.Gateway);

            using var again = await bed.Gateway.ConnectDeviceAsync(Unit);
            var hourAgo = Payloads.NowMs - 3_600_000;
            foreach (var payload in new[] { Event(1, "door_forced"), Event(2, "access_granted"), Event(3, "access_granted", ts: hourAgo) })
            {
                await again.PublishAsync(TopicScheme.Event(Unit), payload);
            }

            var log = bed.Gateway.Get<DoorEventLog>();
            await SmartCommunity.Testing.Eventually.TrueAsync(async () =>
            {
                await log.FlushAsync();
                return log.Query(new DoorEventFilter(Unit, null, null, null, null, null, null, null, null, 100)).Count == 3;
            }, TimeSpan.FromSeconds(20), "the late event is stored");
            await SettleAsync(bed);

            var events = log.Query(new DoorEventFilter(Unit, null, null, null, null, null, null, null, null, 100));
            Assert.Equal([2L, 1L, 3L], events.Select(e => e.Seq)); // newest first by device time: the late one last
            Assert.Equal(1, Assert.Single(DoorAlerts(bed)).Count);
        }
        finally
        {
            await bed.DisposeAsync();
        }
    }

    [Fact]
    public async Task CardAndPersonReferencesAreWholeOnlyForPublicSecurityAndAdminsAndNeverInLogs()
    {
        var logs = new List<string>();
        await using var gateway = new GatewayFactory(services: s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(new ListLoggerProvider(logs))).Start();
        using var door = await gateway.ConnectDeviceAsync(Unit);
        await door.PublishAsync(TopicScheme.Event(Unit), Event(1, "access_granted", card: "C7788123", person: "P-330102-001"));
        await door.PublishAsync(TopicScheme.Event(Unit), Event(2, "access_denied", card: "C9900456"));
        var log = gateway.Get<DoorEventLog>();
        await SmartCommunity.Testing.Eventually.TrueAsync(async () =>
        {
            await log.FlushAsync();
            return log.Query(new DoorEventFilter(Unit, null, null, null, null, null, null, null, null, 100)).Count == 2;
        }, TimeSpan.FromSeconds(20), "both stored");

        using var ps = await gateway.LoginAsync("ps");
        var whole = await ps.GetFromJsonAsync<JsonElement>("/api/doors/events?person=P-330102-001");
        Assert.Equal("C7788123", whole.EnumerateArray().Single().GetProperty("card").GetString());

        using var em = await gateway.LoginAsync("em");
        var masked = await em.GetFromJsonAsync<JsonElement>("/api/doors/events?type=access_granted");
        Assert.Equal("C*****23", masked.EnumerateArray().Single().GetProperty("card").GetString());
        Assert.Equal("P*********01", masked.EnumerateArray().Single().GetProperty("person").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await em.GetAsync("/api/doors/events?person=P-330102-001")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await em.GetAsync("/api/doors/events?card=C7788123")).StatusCode);

        using var guardB = await gateway.LoginAsync("guard-b");
        Assert.Equal(2, (await guardB.GetFromJsonAsync<JsonElement>("/api/doors/events")).GetArrayLength());
        using var guardA = await gateway.LoginAsync("guard-a");
        Assert.Equal(0, (await guardA.GetFromJsonAsync<JsonElement>("/api/doors/events")).GetArrayLength());

        foreach (var bad in new[] { "type=bogus", "limit=0", "limit=5000", "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from=yesterday", "device=" + new string('d', 65) })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await ps.GetAsync("/api/doors/events?" + bad)).StatusCode);
        }

        var filtered = await ps.GetFromJsonAsync<JsonElement>($"/api/doors/events?device={Unit}&cell={TestCommunity.BuildingB}&type=access_denied&from={DateTimeOffset.UtcNow.AddHours(-1):O}".Replace("+", "%2B", StringComparison.Ordinal));
        Assert.Equal("C9900456", filtered.EnumerateArray().Single().GetProperty("card").GetString());

        lock (logs)
        {
            Assert.DoesNotContain(logs, l => l.Contains("C7788123", StringComparison.Ordinal) || l.Contains("P-330102-001", StringComparison.Ordinal) || l.Contains("C9900456", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void MaskKeepsTheFirstAndTheLastTwoCharacters()
    {
        Assert.Equal("C*****23", ReferenceMask.Mask("C7788123"));
        Assert.Equal("****", ReferenceMask.Mask("1234"));
        Assert.Null(ReferenceMask.Mask(null));
    }
}
