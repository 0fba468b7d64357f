using System.Net;
using System.Text;

namespace SmartCommunity.Gateway.Tests.WaterSafety;

public sealed class NoticeValidationTests
{
    [Fact]
    public async Task BadNoticesAreRefusedWith400AndTheReasons()
    {
        await using var bed = await DischargeTestBed.StartAsync();
        var now = bed.Now;
        string Body(string reservoir, double flow, DateTimeOffset open) =>
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $$"""{"reservoirId":"{{reservoir}}","gateOpenAt":"{{open:O}}","flowM3s":{{flow}},"durationMinutes":60}""");

        var cases = new (string Body, string Reason)[]
        {
            ("{\"reservoirId\":", ""),
            (Body(DischargeTestBed.Reservoir, -5, now.AddHours(1)), "flowM3s"),
            (Body(DischargeTestBed.Reservoir, 1e9, now.AddHours(1)), "flowM3s"),
            (Body(DischargeTestBed.Reservoir, 5000, now.AddHours(1)), "No flow band"),
            (Body(DischargeTestBed.Reservoir, 300, now.AddHours(-2)), "gateOpenAt"),
            (Body("no-such-reservoir", 300, now.AddHours(1)), "is not known"),
        };
        foreach (var (body, reason) in cases)
        {
            var response = await bed.Water.PostAsync("/api/water/notices", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Empty(bed.Scheduler.Notices());
    }
}
