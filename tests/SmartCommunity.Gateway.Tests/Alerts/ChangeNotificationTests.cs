using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Alerts;

/// <summary>
/// Changes a person must know of: a rise in level needs a fresh acknowledgement, and cancel, resolve and the end
/// of a danger reach everyone the alert reached, on the same channels.
/// </summary>
public sealed class ChangeNotificationTests
{
    [Fact]
    public async Task AnAlertAcknowledgedAtOrangeThatRisesToRedIsRaisedAgainAndItsEscalationClockRestarts()
    {
        await using var bed = AlertsTestBed.Start(AlertsTestBed.NewClock());
        var alert = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-rise", "water_level", AlertLevel.Orange));
        using var guard = await bed.Gateway.LoginAsync("guard-a");
        Assert.Equal(HttpStatusCode.OK, (await guard.PostAsJsonAsync($"/api/alerts/{alert.Id}/ack", new { note = "watching" })).StatusCode);
        Assert.Equal(AlertState.Acknowledged, bed.Get(alert.Id).State);
        Assert.Equal("Guard A", bed.Get(alert.Id).AcknowledgedByName); // views show the name, never the ID

        await bed.AdvanceAsync(TimeSpan.FromMinutes(1));
        await bed.RaiseAsync(AlertsTestBed.Trigger("spot-rise", "water_level", AlertLevel.Red));
        var red = bed.Get(alert.Id);
        Assert.Equal(AlertLevel.Red, red.Level);
        Assert.Equal(AlertState.Raised, red.State);
        Assert.Null(red.AcknowledgedBy);
        Assert.Null(red.AcknowledgedByName);
        Assert.Equal(bed.Clock!.GetUtcNow() + TimeSpan.FromMinutes(2), red.NextEscalationAt);
        Assert.Equal(["guard-a", "guard-a"], bed.Notified(alert.Id));

        // Nobody acknowledges red: after red's two minutes the chief is woken.
        await bed.AdvanceAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(["guard-a", "guard-a", AlertsTestBed.Chief], bed.Notified(alert.Id));

        Assert.Equal(HttpStatusCode.OK, (await guard.PostAsJsonAsync($"/api/alerts/{alert.Id}/ack", new { note = "on site" })).StatusCode);
        Assert.Equal(AlertState.Acknowledged, bed.Get(alert.Id).State);
        Assert.Equal(2, bed.History(alert.Id).Count(h => h.Kind == "acknowledged"));
    }

    [Fact]
    public async Task ACancelledAlertIsToldToEveryoneItReachedAndThePersonWhoResolvesIsNotToldTwice()
    {
        await using var bed = AlertsTestBed.Start(AlertsTestBed.NewClock());
        var alert = await bed.RaiseAsync(AlertsTestBed.Trigger("notice-9", "discharge", AlertLevel.Red, kind: "discharge"));
        await bed.AdvanceAsync(TimeSpan.FromMinutes(2)); // Escalated to the chief.

        Assert.True(bed.Alerts.Cancel(new AlertSource("discharge", "notice-9"), "discharge", "notice withdrawn"));
        await bed.FlushAsync();
        Assert.Equal(["guard-a", AlertsTestBed.Chief], Informed(bed, alert.Id, "cancelled"));

        var other = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-res", "intrusion", AlertLevel.Red));
        await bed.AdvanceAsync(TimeSpan.FromMinutes(2));
        using var guard = await bed.Gateway.LoginAsync("guard-a");
        Assert.Equal(HttpStatusCode.OK, (await guard.PostAsJsonAsync($"/api/alerts/{other.Id}/resolve", new { note = "sent them home" })).StatusCode);
        Assert.Equal([AlertsTestBed.Chief], Informed(bed, other.Id, "resolved"));
    }

    [Fact]
    public async Task ALevelDownIsToldOnlyWhenItEndsADanger()
    {
        await using var bed = AlertsTestBed.Start(AlertsTestBed.NewClock());
        var alert = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-down", "water_level", AlertLevel.Red));

        await bed.RaiseAsync(AlertsTestBed.Trigger("spot-down", "water_level", AlertLevel.Orange));
        Assert.Empty(Informed(bed, alert.Id, "level_lowered"));

        await bed.RaiseAsync(AlertsTestBed.Trigger("spot-down", "water_level", AlertLevel.Yellow));
        Assert.Equal(["guard-a"], Informed(bed, alert.Id, "level_lowered"));
    }

    [Fact]
    public async Task AnAmendmentWithNewWordsIsANewVersionToldToEveryoneAndAnOrdinaryRepeatIsNot()
    {
        await using var bed = AlertsTestBed.Start(AlertsTestBed.NewClock());
        var alert = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-amend", "discharge_wave", AlertLevel.Orange));
        await bed.AdvanceAsync(TimeSpan.FromMinutes(5)); // Escalated to the chief: both were told.

        // A repeat with new figures (a reading) refreshes the text and is not news.
        await bed.RaiseAsync(AlertsTestBed.Trigger("spot-amend", "discharge_wave", AlertLevel.Orange) with { Text = new AlertText("水位 1.9 米。", "Level 1.9 m.") });
        Assert.Equal(alert.Version, bed.Get(alert.Id).Version);
        Assert.Equal("Level 1.9 m.", bed.Get(alert.Id).Text.En);

        // An amendment with the same words is not news either; with new words it is.
        var amendment = AlertsTestBed.Trigger("spot-amend", "discharge_wave", AlertLevel.Orange) with { Text = new AlertText("水位 1.9 米。", "Level 1.9 m."), Amendment = true };
        await bed.RaiseAsync(amendment);
        Assert.Equal(alert.Version, bed.Get(alert.Id).Version);
        Assert.Empty(Informed(bed, alert.Id, "amended"));

        await bed.RaiseAsync(amendment with { Text = new AlertText("预计 17:55 到达。", "Water arrives about 17:55.") });
        var amended = bed.Get(alert.Id);
        Assert.Equal(alert.Version + 1, amended.Version);
        Assert.Equal(AlertState.Raised, amended.State);
        Assert.Equal(["guard-a", AlertsTestBed.Chief], Informed(bed, alert.Id, "amended"));
        Assert.Contains(bed.History(alert.Id), h => h.Kind == "amended" && h.Detail == "Water arrives about 17:55.");
    }

    [Fact]
    public async Task AGuardsTerminalGetsTheFreshPromptOfARiseAndTheCancelOverMqtt()
    {
        await using var bed = AlertsTestBed.Start();
        using var terminal = new MqttClientFactory().CreateMqttClient();
        var received = new ConcurrentQueue<JsonElement>();
        terminal.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue(JsonDocument.Parse(e.ApplicationMessage.ConvertPayloadToString()).RootElement.Clone());
            return Task.CompletedTask;
        };
        await terminal.ConnectAsync(bed.Gateway.MqttOptions("guard-a", TestCommunity.Password, "guard-a/radio"));
        await terminal.SubscribeAsync(TopicScheme.PersonAlert("guard-a"), MqttQualityOfServiceLevel.AtLeastOnce);

        var alert = await bed.RaiseAsync(AlertsTestBed.Trigger("notice-mqtt", "discharge", AlertLevel.Orange, kind: "discharge"));
        await Eventually.TrueAsync(() => received.Count == 1);
        var ack = new MqttApplicationMessageBuilder().WithTopic(TopicScheme.PersonAck("guard-a"))
            .WithPayload($$"""{"v":1,"ts":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"alert_id":"{{alert.Id}}"}""").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        await terminal.PublishAsync(ack);
        await Eventually.TrueAsync(() => bed.Get(alert.Id).State == AlertState.Acknowledged);

        await bed.RaiseAsync(AlertsTestBed.Trigger("notice-mqtt", "discharge", AlertLevel.Red, kind: "discharge"));
        await Eventually.TrueAsync(() => received.Count == 2);
        var rise = received.ElementAt(1);
        Assert.Equal(("red", "raised", "level_raised"), (rise.GetProperty("level").GetString(), rise.GetProperty("state").GetString(), rise.GetProperty("reason").GetString()));

        Assert.True(bed.Alerts.Cancel(new AlertSource("discharge", "notice-mqtt"), "discharge", "notice withdrawn"));
        await Eventually.TrueAsync(() => received.Count == 3);
        var cancel = received.ElementAt(2);
        Assert.Equal(alert.Id, cancel.GetProperty("alert_id").GetString());
        Assert.Equal(("cancelled", "cancelled"), (cancel.GetProperty("state").GetString(), cancel.GetProperty("reason").GetString()));
    }

    private static List<string> Informed(AlertsTestBed bed, string alertId, string reason) =>
        bed.History(alertId).Where(h => h.Kind == "informed" && h.Detail!.StartsWith(reason + " ", StringComparison.Ordinal)).Select(h => h.Actor!).ToList();
}
