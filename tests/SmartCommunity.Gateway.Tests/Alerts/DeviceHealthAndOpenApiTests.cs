using System.Net;
using System.Text.Json;
using MQTTnet;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Alerts;

public sealed class DeviceHealthAndOpenApiTests
{
    [Fact]
    public async Task ADeviceGoingOfflineRaisesAYellowAlertInItsCellAndComingBackResolvesIt()
    {
        // No grace and no recovery hold: the real broker's disconnect and reconnect drive the alert at once.
        await using var bed = AlertsTestBed.Start(settings: new()
        {
            ["Alerts:DeviceHealth:OfflineGrace"] = "00:00:00",
            ["Alerts:DeviceHealth:RecoveryHold"] = "00:00:00",
        });
        var device = await bed.Gateway.ConnectDeviceAsync(TestCommunity.LevelStation);
        await device.DisconnectAsync();
        device.Dispose();

        await Eventually.TrueAsync(() => bed.OpenFor(TestCommunity.LevelStation).Count == 1);
        var alert = bed.OpenFor(TestCommunity.LevelStation).Single();
        Assert.Equal(("device_offline", AlertLevel.Yellow, TestCommunity.BuildingA), (alert.Type, alert.Level, alert.CellId));
        // The guard's notification is stored with the routing, which may be a batch after the raise the store shows
        // (the clean-clone run once read the alert between the two).
        await Eventually.TrueAsync(() => bed.Notified(alert.Id).SequenceEqual(["guard-a"]),
            () => "the cell's guard is notified; history: " + string.Join("; ", bed.History(alert.Id).Select(h => $"{h.Kind} {h.Actor} {h.Channel} {h.Outcome} {h.Detail}")));

        using var again = await bed.Gateway.ConnectDeviceAsync(TestCommunity.LevelStation);
        await Eventually.TrueAsync(() => bed.Get(alert.Id).State == AlertState.Resolved);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheAlertsAndLiveEndpoints()
    {
        await using var bed = AlertsTestBed.Start();
        using var client = bed.Gateway.CreateClient();
        var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/alerts", "/api/alerts/{id}", "/api/alerts/{id}/ack", "/api/alerts/{id}/cap", "/api/alerts/silences", "/api/live" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path + " is missing from the OpenAPI document");
        }
    }
}
