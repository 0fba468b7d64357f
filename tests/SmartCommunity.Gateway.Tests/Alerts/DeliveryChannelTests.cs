using System.Net;
using System.Text.Json;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Alerts;

/// <summary>Webhooks retried with backoff against a real local HTTP listener; the live SSE stream filtered by cell.</summary>
public sealed class DeliveryChannelTests
{
    [Fact]
    public async Task AWebhookThatFailsTwiceIsRetriedWithBackoffUntilDeliveredAndEveryAttemptIsRecorded()
    {
        var port = FreePort.Next();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var bodies = new List<JsonElement>();
        var serving = Task.Run(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                var context = await listener.GetContextAsync();
                using (var reader = new StreamReader(context.Request.InputStream))
                {
                    bodies.Add(JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone());
                }

                context.Response.StatusCode = i < 2 ? 503 : 204;
                context.Response.Close();
            }
        });

        await using var bed = AlertsTestBed.Start(settings: new() { ["Alerts:Webhooks:InitialBackoff"] = "00:00:00.050" });
        var guard = bed.Gateway.Get<GridRegistry>().Snapshot.PersonById("guard-a")!;
        Assert.Null(bed.Gateway.Get<GridRegistry>().UpsertPerson(guard with { WebhookUrl = $"http://127.0.0.1:{port}/hook/guard-a" }, null));

        var alert = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-hook", "intrusion", AlertLevel.Red));
        await serving.WaitAsync(TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => bed.History(alert.Id).Any(h => h is { Channel: "webhook", Outcome: "delivered" }));

        Assert.All(bodies, b => Assert.Equal(alert.Id, b.GetProperty("alert").GetProperty("id").GetString()));
        var webhook = bed.History(alert.Id).Where(h => h.Channel == "webhook").Select(h => h.Outcome).ToList();
        Assert.Equal(["retrying", "retrying", "delivered"], webhook);
        // The terminal channel was not held up by the failing webhook.
        Assert.Contains(bed.History(alert.Id), h => h is { Channel: "mqtt", Outcome: "published" });
        var metrics = bed.Gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render();
        Assert.Contains("sc_alerts_notifications_total{channel=\"webhook\",outcome=\"retrying\"} 2\n", metrics, StringComparison.Ordinal);
        Assert.Contains("sc_alerts_notifications_total{channel=\"webhook\",outcome=\"delivered\"} 1\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWebhookThatNeverAnswersGivesUpAfterItsAttemptsAndIsCountedAsFailed()
    {
        var port = FreePort.Next(); // Nothing listens there.
        await using var bed = AlertsTestBed.Start(settings: new()
        {
            ["Alerts:Webhooks:InitialBackoff"] = "00:00:00.010",
            ["Alerts:Webhooks:Attempts"] = "3",
        });
        bed.AddPerson("guard-hooked", Duty.Guard, TestCommunity.BuildingB, $"http://127.0.0.1:{port}/nobody");

        var alert = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-dead-hook", "intrusion", AlertLevel.Red, TestCommunity.BuildingB));
        await Eventually.TrueAsync(() => bed.History(alert.Id).Any(h => h is { Channel: "webhook", Outcome: "failed" }));
        Assert.Contains("gave up after 3 attempts", bed.History(alert.Id).Single(h => h.Outcome == "failed").Detail, StringComparison.Ordinal);
        Assert.Contains("sc_alerts_notifications_total{channel=\"webhook\",outcome=\"failed\"} 1\n", bed.Gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLiveStreamSendsAGuardTheAlertEventsOfTheirCellsOnly()
    {
        await using var bed = AlertsTestBed.Start();
        using var guard = await bed.Gateway.LoginAsync("guard-a");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var live = await LiveEvents.OpenAsync(guard, "/api/live?topic=alert", timeout.Token);
        Assert.Equal("text/event-stream", live.MediaType);

        // Another cell's alert first: it must not reach this guard.
        await bed.RaiseAsync(AlertsTestBed.Trigger("spot-other", "intrusion", AlertLevel.Red, TestCommunity.BuildingB));
        var mine = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-live", "intrusion", AlertLevel.Red, TestCommunity.BuildingA));

        var liveEvent = await live.NextAsync(timeout.Token);
        Assert.Equal("raised", liveEvent.GetProperty("change").GetString());
        Assert.Equal(mine.Id, liveEvent.GetProperty("alert").GetProperty("id").GetString());
    }
}
