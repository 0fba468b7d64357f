using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Tests.Alerts;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.WaterSafety.Commands;
using SmartCommunity.Gateway.WaterSafety.Discharge;
using SmartCommunity.Gateway.WaterSafety.Risk;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.WaterSafety;

/// <summary>A discharge notice from issue to the wave passing, on a fake clock, with a real loudspeaker over MQTT.</summary>
public sealed class DischargeScenarioTests
{
    [Fact]
    public async Task ANoticeWarnsTheSpotAtItsLeadTimesCommandsTheLoudspeakerEscalatesUnacknowledgedAndEndsWhenTheWavePasses()
    {
        await using var bed = await DischargeTestBed.StartAsync();
        var issuedAt = bed.Now;

        // 500 m³/s: the 60-minute band; gates open in 30 minutes, so the water arrives 90 minutes from now.
        var notice = await bed.IssueAsync(TimeSpan.FromMinutes(30), 500);
        var id = notice.GetProperty("id").GetString()!;
        var schedule = notice.GetProperty("spots")[0];
        Assert.Equal(issuedAt.AddMinutes(90), schedule.GetProperty("arrivesAt").GetDateTimeOffset());
        Assert.Equal(["notice", "lead-60", "lead-30", "lead-10", "arrival"],
            schedule.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()));

        var first = await bed.WaitForCommandAsync(1);
        Assert.Equal("play_voice", first.GetProperty("type").GetString());
        Assert.Contains("泄洪", first.GetProperty("text").GetString(), StringComparison.Ordinal);
        await bed.AckAsync(first, 1);

        await bed.Alerts.FlushAsync();
        var alert = bed.Alerts.OpenFor(WaterSafetyTestBed.SpotId).Single(a => a.Type == DischargeScheduler.AlertType);
        Assert.Equal(AlertLevel.Orange, alert.Level);
        Assert.Equal(["guard-a"], bed.Alerts.Notified(alert.Id));
        Assert.Equal(WavePhase.Approaching, bed.Alerts.Gateway.Get<SpotMonitor>().State(WaterSafetyTestBed.SpotId).Wave);

        // Nobody acknowledges: the engine climbs the duty chain (orange: five minutes).
        await bed.AdvanceAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(["guard-a", AlertsTestBed.Chief], bed.Alerts.Notified(alert.Id));

        // Gates open: the 60-minute lead warning. The loudspeaker stays silent, so its own alert follows.
        await bed.AdvanceAsync(TimeSpan.FromMinutes(25));
        var second = await bed.WaitForCommandAsync(2);
        await bed.AdvanceAsync(TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => bed.Alerts.OpenFor(TestCommunity.Speaker).Any(a => a.Type == "command_unconfirmed"), because: "spk-1 did not confirm within 30 s");
        await bed.AckAsync(second, 2);
        await Eventually.TrueAsync(() => bed.Alerts.Gateway.Get<WarningCommandSender>().ForReason("notice:" + id).Count(c => c.Status == "done") == 2);

        // 30 and 10 minutes before arrival, then at arrival: red now, and the spot is under discharge.
        await bed.AdvanceAsync(TimeSpan.FromMinutes(29.5));
        await bed.WaitForCommandAsync(3);
        Assert.Equal(AlertLevel.Red, bed.Alerts.Get(alert.Id).Level);
        await bed.AdvanceAsync(TimeSpan.FromMinutes(20));
        await bed.WaitForCommandAsync(4);
        await bed.AdvanceAsync(TimeSpan.FromMinutes(10));
        await bed.WaitForCommandAsync(5);
        var monitor = bed.Alerts.Gateway.Get<SpotMonitor>();
        Assert.Equal(WavePhase.AtSpot, monitor.State(WaterSafetyTestBed.SpotId).Wave);
        await Eventually.TrueAsync(() => monitor.State(WaterSafetyTestBed.SpotId).Level >= RiskLevel.Orange, because: "the wave is at the spot");

        // A child walks into the danger zone during the wave: red at once, and the loudspeaker says leave.
        using var camera = await bed.Alerts.Gateway.ConnectDeviceAsync(TestCommunity.Camera);
        await camera.PublishAsync(TopicScheme.Event(TestCommunity.Camera), string.Create(CultureInfo.InvariantCulture,
            $$"""{"v":1,"ts":{{Payloads.NowMs}},"seq":1,"type":"zone_enter","zone":"{{WaterSafetyTestBed.Zone}}","track":3}"""));
        var leave = await bed.WaitForCommandAsync(6);
        Assert.Equal("danger_leave", leave.GetProperty("clip").GetString());
        await Eventually.TrueAsync(() => bed.Alerts.OpenFor(WaterSafetyTestBed.SpotId).Any(a => a.Type == "danger_zone_person" && a.Level == AlertLevel.Red));

        // 30 minutes of discharge and the 30-minute tail later the wave has passed.
        await bed.AdvanceAsync(TimeSpan.FromMinutes(60));
        Assert.Equal("passed", bed.Scheduler.Get(id)!.State);
        Assert.Equal(AlertState.Resolved, bed.Alerts.Get(alert.Id).State);
        Assert.Equal(WavePhase.None, monitor.State(WaterSafetyTestBed.SpotId).Wave);

        using var ps = await bed.Alerts.Gateway.LoginAsync("ps");
        var timeline = await ps.GetFromJsonAsync<JsonElement>($"/api/water/notices/{id}");
        var kinds = timeline.GetProperty("notice").GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["issued", "warned", "warned", "warned", "warned", "arrived", "warned", "passed"], kinds);
        Assert.Contains(timeline.GetProperty("notice").GetProperty("timeline")[1].GetProperty("notified").EnumerateArray(), p => p.GetString() == "guard-a");
        Assert.Equal(5, timeline.GetProperty("commands").GetArrayLength());
        Assert.Equal("done", timeline.GetProperty("commands")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task ADeviceThatIsLoudspeakerSirenAndSignAtOnceGetsEachRolesCommandOnceAndOneStop()
    {
        await using var bed = await DischargeTestBed.StartAsync();
        using (var wa = await bed.Alerts.Gateway.LoginAsync("wa"))
        {
            var body = JsonSerializer.SerializeToNode(WaterSafetyTestBed.SpotBody(), JsonSerializerOptions.Web)!;
            body["devices"]!["sirens"] = new System.Text.Json.Nodes.JsonArray(TestCommunity.Speaker);
            body["devices"]!["signs"] = new System.Text.Json.Nodes.JsonArray(TestCommunity.Speaker);
            (await wa.PutAsJsonAsync($"/api/water/spots/{WaterSafetyTestBed.SpotId}", body)).EnsureSuccessStatusCode();
        }

        var id = (await bed.IssueAsync(TimeSpan.FromMinutes(30), 500)).GetProperty("id").GetString()!;
        var sender = bed.Alerts.Gateway.Get<WarningCommandSender>();
        // Each role's command once (the demo's flows need the siren as well as the voice); no role twice.
        Assert.Equal(["play_voice", "show_sign", "siren"], sender.ForReason($"notice:{id}:{WaterSafetyTestBed.SpotId}:notice").Select(c => c.Type).Order(StringComparer.Ordinal));

        Assert.Equal(HttpStatusCode.OK, (await bed.Water.PostAsync($"/api/water/notices/{id}/cancel", null)).StatusCode);
        Assert.Single(sender.ForReason($"notice:{id}:{WaterSafetyTestBed.SpotId}:stop"));
    }

    [Fact]
    public async Task AnAmendedNoticeMovesTheScheduleAndACancelledOneWithdrawsTheWarningAndEndsTheDischarge()
    {
        await using var bed = await DischargeTestBed.StartAsync();
        var id = (await bed.IssueAsync(TimeSpan.FromMinutes(30), 500)).GetProperty("id").GetString()!;

        // Less water travels slower: 150 m³/s is the 90-minute band.
        var amended = await bed.Water.PutAsJsonAsync($"/api/water/notices/{id}", new { gateOpenAt = bed.Now.AddMinutes(60), flowM3s = 150.0, durationMinutes = 45 });
        Assert.Equal(HttpStatusCode.OK, amended.StatusCode);
        var notice = bed.Scheduler.Get(id)!;
        Assert.Equal(bed.Now.AddMinutes(150), notice.Spots[0].ArrivesAt);
        Assert.Equal(bed.Now.AddMinutes(150 + 45 + 30), notice.Spots[0].PassedAt);
        Assert.Contains(notice.Timeline, e => e.Kind == "amended");
        await bed.WaitForCommandAsync(2); // The amendment is announced at once.

        var cancelled = await bed.Water.PostAsync($"/api/water/notices/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        await bed.Alerts.FlushAsync();
        Assert.DoesNotContain(bed.Alerts.OpenFor(WaterSafetyTestBed.SpotId), a => a.Type == DischargeScheduler.AlertType);
        Assert.Equal(WavePhase.None, bed.Alerts.Gateway.Get<SpotMonitor>().State(WaterSafetyTestBed.SpotId).Wave);

        // The loudspeaker is told to stop what it plays, and confirms like any warning command.
        var stop = await bed.WaitForCommandAsync(3);
        Assert.Equal("stop", stop.GetProperty("type").GetString());
        Assert.Equal($"notice:{id}:{WaterSafetyTestBed.SpotId}:stop", stop.GetProperty("reason").GetString());
        await bed.AckAsync(stop, 3);
        var sender = bed.Alerts.Gateway.Get<WarningCommandSender>();
        await Eventually.TrueAsync(() => sender.ForReason($"notice:{id}:{WaterSafetyTestBed.SpotId}:stop").Single().Status == "done", because: "the stop is acknowledged");
        Assert.Contains(bed.Scheduler.Get(id)!.Timeline, e => e.Kind == "withdrawn" && e.SpotId == WaterSafetyTestBed.SpotId && e.Detail!.Contains("stop", StringComparison.Ordinal));

        // Nothing more fires for a cancelled notice.
        await bed.AdvanceAsync(TimeSpan.FromHours(3));
        Assert.Equal(3, sender.ForReason("notice:" + id).Count);
        Assert.Equal(3, bed.Commands.Count);
        Assert.Equal(HttpStatusCode.NotFound, (await bed.Water.PostAsync($"/api/water/notices/{id}/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task ANoticeWarnsTheCommunitiesAlongTheRiverAndAnAmendmentThatNoLongerReachesASpotStopsItsLoudspeaker()
    {
        await using var bed = await DischargeTestBed.StartAsync();
        // The plan: the spot is flooded only by small discharges (≤ 200 m³/s); the community c1 at any flow up to 1 000.
        var plan = await bed.Water.PutAsJsonAsync("/api/water/reservoirs/res-2", new
        {
            name = "二号水库",
            reaches = new[]
            {
                new
                {
                    id = "reach-2",
                    name = "下游",
                    spots = new[] { new { spotId = WaterSafetyTestBed.SpotId, bands = new[] { new { maxFlowM3s = 200.0, travelMinutes = 90.0 } } } },
                    communities = new[] { new { communityId = TestCommunity.Community, bands = new[] { new { maxFlowM3s = 200.0, travelMinutes = 120.0 }, new { maxFlowM3s = 1000.0, travelMinutes = 80.0 } } } },
                },
            },
        });
        Assert.Equal(HttpStatusCode.OK, plan.StatusCode);

        var issued = await bed.Water.PostAsJsonAsync("/api/water/notices", new { reservoirId = "res-2", gateOpenAt = bed.Now.AddMinutes(30), flowM3s = 150.0, durationMinutes = 30 });
        issued.EnsureSuccessStatusCode();
        var id = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var notice = bed.Scheduler.Get(id)!;
        var community = notice.Spots.Single(s => s.Kind == "community");
        Assert.Equal(TestCommunity.Community, community.CommunityId);
        Assert.Equal(bed.Now.AddMinutes(150), community.ArrivesAt);
        Assert.Equal(["notice", "lead-120", "lead-60", "lead-30", "lead-10", "arrival"], community.Steps.Select(s => s.Name));
        Assert.Equal(bed.Now.AddMinutes(120), notice.Spots.Single(s => s.Kind == "spot").ArrivesAt);

        // The community's officers get the warning through the alerts engine, at notice time and at the lead times.
        await bed.Alerts.FlushAsync();
        var alert = bed.Alerts.OpenFor(TestCommunity.Community).Single(a => a.Type == DischargeScheduler.AlertType);
        Assert.Equal(AlertLevel.Orange, alert.Level);
        Assert.Equal(TestCommunity.Community, alert.CellId);
        Assert.Contains(AlertsTestBed.CommunityPerson, bed.Alerts.Notified(alert.Id));
        Assert.Contains("泄洪", alert.Text.Zh, StringComparison.Ordinal);
        Assert.Contains(notice.Timeline, e => e.Kind == "warned" && e.SpotId == TestCommunity.Community && e.Notified!.Contains(AlertsTestBed.CommunityPerson));
        await bed.AdvanceAsync(TimeSpan.FromMinutes(30));
        Assert.NotNull(bed.Scheduler.Get(id)!.Spots.Single(s => s.Kind == "community").Steps.Single(s => s.Name == "lead-120").FiredAt);
        var voice = await bed.WaitForCommandAsync(1);
        Assert.Equal("play_voice", voice.GetProperty("type").GetString());

        // 500 m³/s: beyond the spot's band, so it is no longer warned; the community's water now comes sooner.
        var amended = await bed.Water.PutAsJsonAsync($"/api/water/notices/{id}", new { gateOpenAt = bed.Now.AddMinutes(10), flowM3s = 500.0, durationMinutes = 30 });
        Assert.Equal(HttpStatusCode.OK, amended.StatusCode);
        notice = bed.Scheduler.Get(id)!;
        Assert.Equal([("community", TestCommunity.Community)], notice.Spots.Select(s => (s.Kind, s.TargetId)));
        Assert.Equal(bed.Now.AddMinutes(90), notice.Spots[0].ArrivesAt);
        var stop = await bed.WaitForCommandAsync(2);
        Assert.Equal("stop", stop.GetProperty("type").GetString());
        await bed.Alerts.FlushAsync();
        Assert.DoesNotContain(bed.Alerts.OpenFor(WaterSafetyTestBed.SpotId), a => a.Type == DischargeScheduler.AlertType);
        Assert.Contains(bed.Alerts.OpenFor(TestCommunity.Community), a => a.Type == DischargeScheduler.AlertType);
        Assert.Equal(WavePhase.None, bed.Alerts.Gateway.Get<SpotMonitor>().State(WaterSafetyTestBed.SpotId).Wave);
        Assert.Contains(notice.Timeline, e => e.Kind == "withdrawn" && e.SpotId == WaterSafetyTestBed.SpotId);

        // When the wave has passed the community, its alert is resolved and the notice ends.
        await bed.AdvanceAsync(TimeSpan.FromMinutes(90 + 30 + 30));
        Assert.Equal("passed", bed.Scheduler.Get(id)!.State);
        Assert.Equal(AlertState.Resolved, bed.Alerts.Get(alert.Id).State);
    }

    [Fact]
    public async Task APlanThatNamesACellOtherThanACommunityIsRefused()
    {
        await using var bed = await DischargeTestBed.StartAsync();
        var plan = await bed.Water.PutAsJsonAsync("/api/water/reservoirs/res-3", new
        {
            name = "三号水库",
            reaches = new[]
            {
                new { id = "reach-3", name = "下游", spots = Array.Empty<object>(), communities = new[] { new { communityId = TestCommunity.BuildingA, bands = new[] { new { maxFlowM3s = 200.0, travelMinutes = 30.0 } } } } },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, plan.StatusCode);
        Assert.Contains("not a grid cell of level Community", await plan.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var noBands = await bed.Water.PutAsJsonAsync("/api/water/reservoirs/res-3", new
        {
            name = "三号水库",
            reaches = new[] { new { id = "reach-3", name = "下游", spots = Array.Empty<object>(), communities = new[] { new { communityId = TestCommunity.Community, bands = Array.Empty<object>() } } } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, noBands.StatusCode);
    }

    [Fact]
    public async Task ASchedulePersistsAndResumesAfterARestart()
    {
        var bed = await DischargeTestBed.StartAsync();
        var id = (await bed.IssueAsync(TimeSpan.FromMinutes(30), 500)).GetProperty("id").GetString()!;
        var gateway = bed.Alerts.Gateway;
        var clock = bed.Alerts.Clock;
        await bed.DisposeAsync();

        // Down for 40 minutes: the 60-minute lead (due at +30) fires once on start, then the rest on time.
        var later = AlertsTestBed.NewClock();
        later.SetUtcNow(clock.GetUtcNow().AddMinutes(40));
        await using var again = FakeClockGateway.Start(later, reopenOf: gateway);
        var scheduler = again.Gateway.Get<DischargeScheduler>();
        scheduler.RunDue();
        var steps = scheduler.Get(id)!.Spots[0].Steps;
        Assert.NotNull(steps.Single(s => s.Name == "lead-60").FiredAt);
        Assert.Null(steps.Single(s => s.Name == "lead-30").FiredAt);
        Assert.Equal(WavePhase.Approaching, again.Gateway.Get<SpotMonitor>().State(WaterSafetyTestBed.SpotId).Wave);
    }
}
