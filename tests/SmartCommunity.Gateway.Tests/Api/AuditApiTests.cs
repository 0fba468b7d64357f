using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SmartCommunity.Gateway.Tests.Support;

namespace SmartCommunity.Gateway.Tests.Api;

/// <summary>The audit log: every change a person makes through the API, with who, when and what, and never a secret.</summary>
public sealed class AuditApiTests : IAsyncLifetime
{
    private const string PersonPassword = "first-password-7391";
    private const string NewPassword = "second-password-5820";
    private const string CameraPassword = "cam-pass-4417";
    private const string WebhookToken = "hook-token-9902";

    private GatewayFactory _gateway = null!;
    private HttpClient _admin = null!;
    private HttpClient _emergency = null!;

    public async Task InitializeAsync()
    {
        _gateway = new GatewayFactory().Start();
        _admin = await _gateway.LoginAsync("admin");
        _emergency = await _gateway.LoginAsync("em");
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        _emergency.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task EveryChangeIsRecordedWithWhoWhenAndWhatButNoSecret()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        (await _admin.PutAsJsonAsync("/api/people/audit-person", new
        {
            name = "审计 Audit", role = "guard", duty = "Guard", cells = new[] { TestCommunity.BuildingA }, password = PersonPassword,
            webhookUrl = "https://hooks.example/notify?access_token=" + WebhookToken,
        })).EnsureSuccessStatusCode();
        (await _admin.PostAsJsonAsync("/api/people/audit-person/password", new { newPassword = NewPassword })).EnsureSuccessStatusCode();
        (await _admin.PutAsJsonAsync("/api/devices/43010200011320000077", new
        {
            kind = "camera", name = "审计摄像机", cellId = TestCommunity.BuildingA,
            attributes = new Dictionary<string, string> { ["mainStream"] = $"rtsp://viewer:{CameraPassword}@10.0.0.7:554/main" },
        })).EnsureSuccessStatusCode();
        var silence = await _emergency.PostAsJsonAsync("/api/alerts/silences", new { sourceKind = "spot", sourceId = "spot-x", minutes = 30, reason = "检修 audit" });
        silence.EnsureSuccessStatusCode();
        var silenceId = (await silence.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        (await _admin.DeleteAsync("/api/people/audit-person")).EnsureSuccessStatusCode();

        var raw = await _admin.GetStringAsync("/api/audit?limit=20");
        var items = JsonDocument.Parse(raw).RootElement.GetProperty("items").EnumerateArray().ToList();

        // Newest first, one entry per change, and nothing for the reads in between.
        Assert.Equal(["DELETE people", "POST alerts.silences", "PUT devices", "POST people.password", "PUT people"],
            items.Take(5).Select(i => $"{i.GetProperty("method").GetString()} {i.GetProperty("kind").GetString()}"));
        Assert.Equal(["audit-person", silenceId, "43010200011320000077", "audit-person", "audit-person"], items.Take(5).Select(i => i.GetProperty("target").GetString()));
        Assert.Equal(["admin", "em", "admin", "admin", "admin"], items.Take(5).Select(i => i.GetProperty("actorId").GetString()));
        Assert.Equal("Emergency", items[1].GetProperty("actorName").GetString());
        Assert.All(items.Take(5), i => Assert.InRange(i.GetProperty("at").GetDateTimeOffset(), before, DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.Contains("检修 audit", items[1].GetProperty("detail").GetString(), StringComparison.Ordinal);
        var cameraDetail = items[2].GetProperty("detail").GetString() ?? "";
        Assert.True(cameraDetail.Contains("10.0.0.7", StringComparison.Ordinal), cameraDetail);

        foreach (var secret in (string[])[PersonPassword, NewPassword, CameraPassword, WebhookToken])
        {
            Assert.DoesNotContain(secret, raw, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ARefusedChangeAndAReadAreNotRecorded()
    {
        var refused = await _admin.PutAsJsonAsync("/api/people/audit-refused", new { name = "", role = "guard", duty = "Guard" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        await _admin.GetStringAsync("/api/people");

        var page = await _admin.GetFromJsonAsync<JsonElement>("/api/audit?kind=people");
        Assert.DoesNotContain(page.GetProperty("items").EnumerateArray(), i => i.GetProperty("target").GetString() == "audit-refused");
    }

    [Fact]
    public async Task TheLogIsReadPageByPageAndFilteredByActorKindAndTime()
    {
        for (var i = 0; i < 5; i++)
        {
            (await _admin.PutAsJsonAsync($"/api/grid/cells/audit-cell-{i}", new { parentId = TestCommunity.Compound, level = "Building", name = $"楼 {i}" })).EnsureSuccessStatusCode();
        }

        (await _emergency.PostAsJsonAsync("/api/alerts/silences", new { sourceKind = "spot", sourceId = "spot-y", minutes = 5, reason = "r" })).EnsureSuccessStatusCode();

        var targets = new List<string?>();
        string? before = null;
        do
        {
            var page = await _admin.GetFromJsonAsync<JsonElement>("/api/audit?kind=grid&limit=2" + (before is null ? "" : "&before=" + before));
            targets.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("target").GetString()));
            before = page.GetProperty("nextBefore").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextBefore").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        while (before is not null);

        Assert.Equal(Enumerable.Range(0, 5).Reverse().Select(i => $"audit-cell-{i}"), targets);

        var byActor = await _admin.GetFromJsonAsync<JsonElement>("/api/audit?actor=em");
        Assert.All(byActor.GetProperty("items").EnumerateArray(), i => Assert.Equal("em", i.GetProperty("actorId").GetString()));
        Assert.NotEmpty(byActor.GetProperty("items").EnumerateArray());

        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"));
        var none = await _admin.GetFromJsonAsync<JsonElement>($"/api/audit?from={future}");
        Assert.Empty(none.GetProperty("items").EnumerateArray());
        var past = await _admin.GetFromJsonAsync<JsonElement>($"/api/audit?to={future}&kind=grid.cells");
        Assert.Equal(5, past.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("kind=people%25", "kind")]
    [InlineData("limit=0", "limit")]
    [InlineData("from=2026-12-03T10:00:00Z&to=2026-12-03T09:00:00Z", "from")]
    public async Task BadFiltersAreRefusedWithTheFieldNamed(string query, string field)
    {
        var response = await _admin.GetAsync("/api/audit?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invalid_audit_query", body.GetProperty("code").GetString());
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _));
    }
}
