using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Tests.Support;

namespace SmartCommunity.Gateway.Tests.Alerts;

/// <summary>The REST API: role visibility, acknowledge and resolve, filters, silences (audited), metrics.</summary>
public sealed class AlertsApiTests
{
    [Fact]
    public async Task AGuardSeesAndActsOnlyOnAlertsOfTheirOwnCellsWhileStaffSeeAll()
    {
        await using var bed = AlertsTestBed.Start(AlertsTestBed.NewClock());
        var mine = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-a", "intrusion", AlertLevel.Red, TestCommunity.BuildingA));
        var theirs = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-b", "intrusion", AlertLevel.Red, TestCommunity.BuildingB));

        using var guard = await bed.Gateway.LoginAsync("guard-a");
        var listed = await guard.GetFromJsonAsync<JsonElement[]>("/api/alerts");
        Assert.Equal([mine.Id], listed!.Select(a => a.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await guard.GetAsync($"/api/alerts/{theirs.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await guard.PostAsJsonAsync($"/api/alerts/{theirs.Id}/ack", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await guard.PostAsJsonAsync($"/api/alerts/{theirs.Id}/resolve", new { note = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await guard.GetAsync($"/api/alerts/{theirs.Id}/cap")).StatusCode);
        Assert.Equal(AlertState.Raised, bed.Get(theirs.Id).State);

        // The grid chief of the compound sees both buildings below it.
        using var chief = await bed.Gateway.LoginAsync(AlertsTestBed.Chief);
        Assert.Equal(2, (await chief.GetFromJsonAsync<JsonElement[]>("/api/alerts"))!.Length);

        using var police = await bed.Gateway.LoginAsync("ps");
        Assert.Equal(2, (await police.GetFromJsonAsync<JsonElement[]>("/api/alerts"))!.Length);
        var detail = await police.GetFromJsonAsync<JsonElement>($"/api/alerts/{theirs.Id}");
        Assert.Equal("red", detail.GetProperty("alert").GetProperty("level").GetString());
        Assert.Contains(detail.GetProperty("history").EnumerateArray(), h => h.GetProperty("kind").GetString() == "notified" && h.GetProperty("actor").GetString() == "guard-b");
    }

    [Fact]
    public async Task APersonResolvesWithARequiredNoteAndFiltersNarrowTheList()
    {
        await using var bed = AlertsTestBed.Start(AlertsTestBed.NewClock());
        var red = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-r", "intrusion", AlertLevel.Red));
        await bed.AdvanceAsync(TimeSpan.FromSeconds(1));
        await bed.RaiseAsync(AlertsTestBed.Trigger("spot-y", "water_level", AlertLevel.Yellow));
        using var guard = await bed.Gateway.LoginAsync("guard-a");

        Assert.Equal(HttpStatusCode.BadRequest, (await guard.PostAsJsonAsync($"/api/alerts/{red.Id}/resolve", new { note = " " })).StatusCode);
        var resolved = await guard.PostAsJsonAsync($"/api/alerts/{red.Id}/resolve", new { note = "false alarm: a fisherman, warned off" });
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await guard.PostAsJsonAsync($"/api/alerts/{red.Id}/ack", new { })).StatusCode);
        var stored = bed.Get(red.Id);
        Assert.Equal(("guard-a", "false alarm: a fisherman, warned off"), (stored.ResolvedBy, stored.ResolutionNote));

        async Task<string[]> Ids(string query) => (await guard.GetFromJsonAsync<JsonElement[]>("/api/alerts" + query))!.Select(a => a.GetProperty("type").GetString()!).ToArray();
        Assert.Equal(["water_level"], await Ids("?level=yellow"));
        Assert.Equal(["intrusion"], await Ids("?level=I"));
        Assert.Equal(["intrusion"], await Ids("?state=resolved"));
        Assert.Equal(["water_level"], await Ids("?type=water_level&cell=b-a"));
        var from = Uri.EscapeDataString(bed.Clock!.GetUtcNow().ToString("O"));
        Assert.Equal(["water_level"], await Ids("?from=" + from));
        Assert.Equal(HttpStatusCode.BadRequest, (await guard.GetAsync("/api/alerts?level=purple")).StatusCode);
    }

    [Fact]
    public async Task AStaffSilenceMutesASourceForItsStatedTimeIsAuditedAndThenTheAlertIsRouted()
    {
        await using var bed = AlertsTestBed.Start(AlertsTestBed.NewClock());
        using var guard = await bed.Gateway.LoginAsync("guard-a");
        using var emergency = await bed.Gateway.LoginAsync("em");
        var body = new { sourceKind = "camera", sourceId = TestCommunity.Camera, minutes = 30, reason = "lens being replaced" };

        Assert.Equal(HttpStatusCode.Forbidden, (await guard.PostAsJsonAsync("/api/alerts/silences", body)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await emergency.PostAsJsonAsync("/api/alerts/silences", body with { reason = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await emergency.PostAsJsonAsync("/api/alerts/silences", body with { minutes = 0 })).StatusCode);
        var created = await emergency.PostAsJsonAsync("/api/alerts/silences", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var alert = await bed.RaiseAsync(AlertsTestBed.Trigger(TestCommunity.Camera, "tamper_lens", AlertLevel.Orange, kind: "camera"));
        Assert.True(alert.Silenced);
        Assert.Empty(bed.Notified(alert.Id));
        await bed.AdvanceAsync(TimeSpan.FromMinutes(29));
        Assert.Empty(bed.Notified(alert.Id));

        await bed.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(["guard-a"], bed.Notified(alert.Id));
        Assert.False(bed.Get(alert.Id).Silenced);

        var audit = await emergency.GetFromJsonAsync<JsonElement[]>("/api/alerts/silences");
        var entry = Assert.Single(audit!);
        Assert.Equal(("em", "lens being replaced"), (entry.GetProperty("createdBy").GetString(), entry.GetProperty("reason").GetString()));
        Assert.Equal(TimeSpan.FromMinutes(30), entry.GetProperty("endsAt").GetDateTimeOffset() - entry.GetProperty("startsAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task EndingASilenceEarlyIsRecordedWithWhoEndedIt()
    {
        await using var bed = AlertsTestBed.Start(AlertsTestBed.NewClock());
        using var police = await bed.Gateway.LoginAsync("ps");
        var created = await (await police.PostAsJsonAsync("/api/alerts/silences", new { sourceKind = "spot", sourceId = "spot-s", type = "intrusion", minutes = 60, reason = "drill" })).Content.ReadFromJsonAsync<JsonElement>();
        var alert = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-s", "intrusion", AlertLevel.Red));
        Assert.Empty(bed.Notified(alert.Id));

        Assert.Equal(HttpStatusCode.NoContent, (await police.DeleteAsync("/api/alerts/silences/" + created.GetProperty("id").GetString())).StatusCode);
        Assert.Equal(["guard-a"], bed.Notified(alert.Id));
        var audit = Assert.Single((await police.GetFromJsonAsync<JsonElement[]>("/api/alerts/silences"))!);
        Assert.Equal("ps", audit.GetProperty("endedBy").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await police.DeleteAsync("/api/alerts/silences/no-such")).StatusCode);
    }

    [Fact]
    public async Task MetricsCountRaisedUpdatedEscalatedAndOpenAlertsByLevel()
    {
        await using var bed = AlertsTestBed.Start(AlertsTestBed.NewClock());
        await bed.RaiseAsync(AlertsTestBed.Trigger("spot-m", "intrusion", AlertLevel.Red));
        await bed.RaiseAsync(AlertsTestBed.Trigger("spot-m", "intrusion", AlertLevel.Red));
        await bed.AdvanceAsync(TimeSpan.FromMinutes(2));

        var text = bed.Gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render();
        Assert.Contains("sc_alerts_raised_total 1\n", text, StringComparison.Ordinal);
        Assert.Contains("sc_alerts_updated_total 1\n", text, StringComparison.Ordinal);
        Assert.Contains("sc_alerts_escalations_total 1\n", text, StringComparison.Ordinal);
        Assert.Contains("sc_alerts_open{level=\"red\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("sc_alerts_notifications_total{channel=\"mqtt\",outcome=\"queued\"} 2\n", text, StringComparison.Ordinal);
    }
}
