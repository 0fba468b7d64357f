using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Live;
using SmartCommunity.Gateway.Shelters.Occupancy;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Validation;
using static SmartCommunity.Gateway.Tests.Shelters.ShelterTestBed;

namespace SmartCommunity.Gateway.Tests.Shelters;

/// <summary>Occupancy on the real gateway over MQTT: duplicates, replays, late events, the floor at 0, headcounts, restarts.</summary>
public sealed class OccupancyTests
{
    [Fact]
    public async Task DuplicateOutOfOrderAndReplayedEventsCountOnceAndARestartKeepsTheCount()
    {
        var gateway = new GatewayFactory(settings: Settings()).Start();
        try
        {
            RegisterDevices(gateway);
            await PutAsync(gateway, "gym", Body());
            using (var door = await gateway.ConnectDeviceAsync(DoorA))
            {
                for (var seq = 1; seq <= 5; seq++)
                {
                    await door.PublishEventAsync(DoorA, Passage(seq, "in"));
                }

                await door.PublishEventAsync(DoorA, Passage(3, "in")); // a retry: refused by ingest's window
                var now = Payloads.NowMs;
                await door.PublishEventAsync(DoorA, Passage(7, "out", ts: now));
                await door.PublishEventAsync(DoorA, Passage(6, "in", ts: now - 60_000)); // late: happened a minute earlier
                var settled = await SettledAsync(gateway, "gym", o => o.Entrances[0].In == 6 && o.Entrances[0].Out == 1, "all events stored");
                Assert.Equal(5, settled.Occupants);
            }

            await gateway.DisposeAsync();
            gateway = gateway.Reopen(Settings()).Start();
            var counter = gateway.Get<ShelterCounter>();
            await counter.FlushAsync();
            Assert.Equal(5, counter.Occupancy("gym")!.Occupants);

            // The agent replays its queue with the same (boot, seq). A repeat is refused either by ingest (the clean
            // stop's last journal segment warms the sequence windows) or by the stored event identity: never counted.
            using (var door = await gateway.ConnectDeviceAsync(DoorA))
            {
                for (var seq = 1; seq <= 7; seq++)
                {
                    await door.PublishEventAsync(DoorA, Passage(seq, seq == 7 ? "out" : "in"));
                }

                await door.PublishEventAsync(DoorA, Passage(8, "in"));
                var after = await SettledAsync(gateway, "gym", o => o.Entrances[0].In >= 7, "the new event is counted");
                Assert.Equal(6, after.Occupants);
                Assert.Equal((7L, 1L), (after.Entrances[0].In, after.Entrances[0].Out));
                var refusedByIngest = gateway.Get<IngestMetrics>().Rejected(RejectReason.DuplicateSequence).Value;
                Assert.True(gateway.Get<ShelterMetrics>().Duplicates.Value + refusedByIngest >= 7);
            }
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    [Fact]
    public async Task OccupancyNeverGoesBelowZeroAndTheClampIsShownAndCounted()
    {
        await using var gateway = new GatewayFactory(settings: Settings()).Start();
        RegisterDevices(gateway);
        await PutAsync(gateway, "gym", Body());
        using var door = await gateway.ConnectDeviceAsync(DoorA);

        await door.PublishEventAsync(DoorA, Passage(1, "out", count: 3));
        var clamped = await SettledAsync(gateway, "gym", o => o.Entrances[0].Out == 3, "the exits are stored");
        Assert.Equal((0L, 3L), (clamped.Occupants, clamped.Clamped));
        Assert.True(gateway.Get<ShelterMetrics>().Clamped.Value >= 1);

        await door.PublishEventAsync(DoorA, Passage(2, "in", count: 2));
        Assert.Equal(1, (await SettledAsync(gateway, "gym", o => o.Entrances[0].In == 2, "in stored")).Clamped);
        await door.PublishEventAsync(DoorA, Passage(3, "in", count: 2));
        var back = await SettledAsync(gateway, "gym", o => o.Entrances[0].In == 4, "in stored");
        Assert.Equal((1L, 0L), (back.Occupants, back.Clamped));

        using var em = await gateway.LoginAsync("em");
        var view = await GetJsonAsync(em, "/api/shelters/gym");
        Assert.Equal(1, view.GetProperty("occupancy").GetProperty("occupants").GetInt64());
        Assert.Equal(0, view.GetProperty("occupancy").GetProperty("clamped").GetInt64());
    }

    [Fact]
    public async Task AHeadcountByStaffCorrectsTheCountIsAuditedAndSurvivesARestart()
    {
        var gateway = new GatewayFactory(settings: Settings()).Start();
        try
        {
            RegisterDevices(gateway);
            await PutAsync(gateway, "gym", Body());
            using (var door = await gateway.ConnectDeviceAsync(DoorA))
            {
                await door.PublishEventAsync(DoorA, Passage(1, "in", count: 4));
                await SettledAsync(gateway, "gym", o => o.Occupants == 4, "4 in");

                using var em = await gateway.LoginAsync("em");
                var response = await em.PostAsJsonAsync("/api/shelters/gym/headcount", new { occupants = 10, note = "roll call at 21:00" });
                response.EnsureSuccessStatusCode();
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(10, body.GetProperty("occupancy").GetProperty("occupants").GetInt64());

                foreach (var bad in new object[] { new { occupants = -1 }, new { occupants = 2_000_000 }, new { note = "no number" }, new { occupants = 1, note = new string('x', 501) } })
                {
                    Assert.Equal(HttpStatusCode.BadRequest, (await em.PostAsJsonAsync("/api/shelters/gym/headcount", bad)).StatusCode);
                }

                using var text = new StringContent("{\"occupants\":\"ten\"}", System.Text.Encoding.UTF8, "application/json");
                Assert.Equal(HttpStatusCode.BadRequest, (await em.PostAsync("/api/shelters/gym/headcount", text)).StatusCode);
                Assert.Equal(HttpStatusCode.NotFound, (await em.PostAsJsonAsync("/api/shelters/nowhere/headcount", new { occupants = 1 })).StatusCode);

                await door.PublishEventAsync(DoorA, Passage(2, "in"));
                await SettledAsync(gateway, "gym", o => o.Occupants == 11, "counting goes on from the headcount");
                var audit = await GetJsonAsync(em, "/api/shelters/gym/audit");
                var line = audit.EnumerateArray().First(a => a.GetProperty("action").GetString() == "headcount");
                Assert.Equal("em", line.GetProperty("actor").GetString());
                Assert.Equal("4 → 10: roll call at 21:00", line.GetProperty("detail").GetString());
            }

            await gateway.DisposeAsync();
            gateway = gateway.Reopen(Settings()).Start();
            await gateway.Get<ShelterCounter>().FlushAsync();
            var restarted = gateway.Get<ShelterCounter>().Occupancy("gym")!;
            Assert.Equal(11, restarted.Occupants);
            Assert.Equal("em", restarted.LastHeadcountBy);
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    [Fact]
    public async Task ChangesArePushedOnTheLiveStreamAndWrittenAsTheOccupancySeries()
    {
        await using var gateway = new GatewayFactory(settings: Settings()).Start();
        RegisterDevices(gateway);
        await PutAsync(gateway, "gym", Body());
        using var live = gateway.Get<LiveHub>().Subscribe(CellScope.Everything, new HashSet<string> { "shelter" });
        using var door = await gateway.ConnectDeviceAsync(DoorA);

        await door.PublishEventAsync(DoorA, Passage(1, "in", count: 3));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        LiveEvent pushed;
        do
        {
            pushed = await live.Reader.ReadAsync(timeout.Token);
        }
        while (!pushed.Json.Contains("\"occupants\":3", StringComparison.Ordinal));

        Assert.Equal(TestCommunity.BuildingA, pushed.CellId);

        using var em = await gateway.LoginAsync("em");
        await SmartCommunity.Testing.Eventually.TrueAsync(async () =>
        {
            var series = await GetJsonAsync(em, "/api/timeseries/shelter_occupancy?field=occupants&agg=max");
            return series.GetProperty("points").EnumerateArray().Any(p => p.GetProperty("v").GetDouble() == 3);
        }, TimeSpan.FromSeconds(20), "the occupancy point is written");
    }
}
