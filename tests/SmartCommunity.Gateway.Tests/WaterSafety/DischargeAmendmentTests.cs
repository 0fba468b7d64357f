using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Xml.Linq;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Alerts.Cap;
using SmartCommunity.Gateway.WaterSafety.Discharge;

namespace SmartCommunity.Gateway.Tests.WaterSafety;

/// <summary>
/// Issue 15: an amended discharge notice changes what people were told (the water now arrives at another time), so
/// the spot's alert gets a new version, its CAP message is an Update with its own identifier that references the
/// first, and the guards already told hear the new time. A 12379-style consumer that keeps the first message by
/// identifier would otherwise never see the change.
/// </summary>
public sealed class DischargeAmendmentTests
{
    private static readonly XNamespace Cap = CapWriter.Ns;

    [Fact]
    public async Task AnAmendedNoticeGivesTheAlertANewVersionACapUpdateWithTheNewArrivalAndTellsTheGuards()
    {
        await using var bed = await DischargeTestBed.StartAsync();
        var issuedAt = bed.Now;
        var id = (await bed.IssueAsync(TimeSpan.FromMinutes(30), 500)).GetProperty("id").GetString()!;
        await bed.WaitForCommandAsync(1);
        await bed.Alerts.FlushAsync();
        var alert = bed.Alerts.OpenFor(WaterSafetyTestBed.SpotId).Single(a => a.Type == DischargeScheduler.AlertType);
        using var em = await bed.Alerts.Gateway.LoginAsync("em");
        var first = XDocument.Parse(await em.GetStringAsync($"/api/alerts/{alert.Id}/cap")).Root!;
        Assert.Equal("Alert", first.Element(Cap + "msgType")!.Value);
        Assert.Contains(Local(issuedAt.AddMinutes(90)), Description(first), StringComparison.Ordinal);

        // A minute later: gates an hour after the first notice and less water (the 90-minute band), so the water
        // arrives 150 minutes after the first notice; still orange.
        await bed.AdvanceAsync(TimeSpan.FromMinutes(1));
        var amended = await bed.Water.PutAsJsonAsync($"/api/water/notices/{id}", new { gateOpenAt = issuedAt.AddMinutes(60), flowM3s = 150.0, durationMinutes = 45 });
        Assert.Equal(HttpStatusCode.OK, amended.StatusCode);
        await bed.WaitForCommandAsync(2);
        await bed.Alerts.FlushAsync();

        var after = bed.Alerts.Get(alert.Id);
        Assert.Equal(AlertLevel.Orange, after.Level);
        Assert.Equal(alert.Version + 1, after.Version);
        Assert.Contains(bed.Alerts.History(alert.Id), h => h.Kind == "informed" && h.Actor == "guard-a" && h.Detail!.StartsWith("amended ", StringComparison.Ordinal));
        Assert.Equal("amendment", bed.Scheduler.Get(id)!.Spots[0].Steps[0].Name);

        var update = XDocument.Parse(await em.GetStringAsync($"/api/alerts/{alert.Id}/cap"));
        Assert.Empty(CapValidator.Validate(update));
        var root = update.Root!;
        Assert.Equal("Update", root.Element(Cap + "msgType")!.Value);
        Assert.NotEqual(first.Element(Cap + "identifier")!.Value, root.Element(Cap + "identifier")!.Value);
        Assert.NotEqual(first.Element(Cap + "sent")!.Value, root.Element(Cap + "sent")!.Value);
        Assert.Equal($"{first.Element(Cap + "sender")!.Value},{first.Element(Cap + "identifier")!.Value},{first.Element(Cap + "sent")!.Value}",
            root.Element(Cap + "references")!.Value);
        Assert.Contains(Local(issuedAt.AddMinutes(150)), Description(root), StringComparison.Ordinal);
        Assert.DoesNotContain(Local(issuedAt.AddMinutes(90)), Description(root), StringComparison.Ordinal);
    }

    private static string Description(XElement alert) =>
        alert.Elements(Cap + "info").Single(i => i.Element(Cap + "language")!.Value == "en-US").Element(Cap + "description")!.Value;

    /// <summary>The notice texts speak the community's time (China Standard Time in the default options).</summary>
    private static string Local(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(8)).ToString("HH:mm", CultureInfo.InvariantCulture);
}
