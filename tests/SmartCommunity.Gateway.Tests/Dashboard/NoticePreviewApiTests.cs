using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SmartCommunity.Gateway.Alerts.Engine;
using SmartCommunity.Gateway.Tests.WaterSafety;

namespace SmartCommunity.Gateway.Tests.Dashboard;

/// <summary><c>POST api/dashboard/notice-preview</c>: the schedule a notice would get, with nothing stored, sent or raised.</summary>
public sealed class NoticePreviewApiTests
{
    [Fact]
    public async Task ThePreviewIsTheScheduleTheIssuedNoticeGetsAndIssuesNothing()
    {
        await using var bed = await DischargeTestBed.StartAsync();
        var body = new { reservoirId = DischargeTestBed.Reservoir, gateOpenAt = bed.Now.AddHours(3), flowM3s = 500.0, durationMinutes = 45 };

        var preview = await bed.Water.PostAsJsonAsync("/api/dashboard/notice-preview", body);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var previewed = await preview.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("preview", previewed.GetProperty("state").GetString());
        await bed.Alerts.FlushAsync();
        Assert.Empty(bed.Scheduler.Notices());
        Assert.True(bed.Commands.IsEmpty);
        Assert.Empty(bed.Alerts.Store.List(new AlertQuery(OpenOnly: true, Limit: 100), null));

        var issued = await bed.IssueAsync(TimeSpan.FromHours(3), 500, 45);
        Assert.Equal(Schedule(previewed), Schedule(issued));
    }

    [Fact]
    public async Task BadPreviewRequestsAreRefusedWithTheReasonPerField()
    {
        await using var bed = await DischargeTestBed.StartAsync();
        string Body(double flow, DateTimeOffset open, int minutes = 60) =>
            string.Create(CultureInfo.InvariantCulture, $$"""{"reservoirId":"{{DischargeTestBed.Reservoir}}","gateOpenAt":"{{open:O}}","flowM3s":{{flow}},"durationMinutes":{{minutes}}}""");
        var cases = new (string Body, string Reason)[]
        {
            ("{\"reservoirId\":", ""),
            ("[1,2,3]", ""),
            ("{}", "reservoirId"),
            (Body(0, bed.Now.AddHours(1)), "flowM3s"),
            (Body(double.MaxValue, bed.Now.AddHours(1)), "flowM3s"),
            (Body(5000, bed.Now.AddHours(1)), "No flow band"),
            (Body(300, bed.Now.AddDays(-1)), "gateOpenAt"),
            (Body(300, bed.Now.AddDays(31)), "gateOpenAt"),
            (Body(300, bed.Now.AddHours(1), -5), "durationMinutes"),
            ("{\"reservoirId\":\"" + new string('x', 100_000) + "\"}", "reservoirId"),
        };
        foreach (var (body, reason) in cases)
        {
            var response = await bed.Water.PostAsync("/api/dashboard/notice-preview", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Empty(bed.Scheduler.Notices());
    }

    private static List<string> Schedule(JsonElement notice) =>
        [.. notice.GetProperty("spots").EnumerateArray().SelectMany(spot =>
            spot.GetProperty("steps").EnumerateArray()
                .Where(step => step.GetProperty("name").GetString() != "notice")
                .Select(step => $"{spot.GetProperty("spotId").GetString()} {step.GetProperty("name").GetString()} {step.GetProperty("dueAt").GetDateTimeOffset():O}")
                .Append($"{spot.GetProperty("spotId").GetString()} arrives {spot.GetProperty("arrivesAt").GetDateTimeOffset():O} passes {spot.GetProperty("passedAt").GetDateTimeOffset():O}"))];
}
