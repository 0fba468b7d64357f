using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MQTTnet;
using SmartCommunity.Gateway.Tests.Alerts;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.WaterSafety.Discharge;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.WaterSafety;

/// <summary>
/// A gateway on a fake clock with spot-a below reservoir res-1 (≤ 200 m³/s: 90 min; ≤ 1 000 m³/s: 60 min), and
/// spk-1 connected as a real MQTT device that records the commands it receives.
/// </summary>
public sealed class DischargeTestBed : IAsyncDisposable
{
    public const string Reservoir = "res-1";

    private DischargeTestBed(FakeClockGateway alerts, HttpClient water, IMqttClient speaker)
    {
        Alerts = alerts;
        Water = water;
        Speaker = speaker;
    }

    public FakeClockGateway Alerts { get; }

    public HttpClient Water { get; }

    public IMqttClient Speaker { get; }

    public ConcurrentQueue<JsonElement> Commands { get; } = new();

    public DischargeScheduler Scheduler => Alerts.Gateway.Get<DischargeScheduler>();

    public DateTimeOffset Now => Alerts.Clock.GetUtcNow();

    public static async Task<DischargeTestBed> StartAsync()
    {
        var alerts = FakeClockGateway.Start(AlertsTestBed.NewClock());
        await WaterSafetyTestBed.PutSpotAsync(alerts.Gateway);
        var water = await alerts.Gateway.LoginAsync("wa");
        var reservoir = await water.PutAsJsonAsync($"/api/water/reservoirs/{Reservoir}", new
        {
            name = "青溪水库 Qingxi Reservoir",
            reaches = new[]
            {
                new { id = "reach-1", name = "青溪下游 Lower Qingxi", spots = new[] { new { spotId = WaterSafetyTestBed.SpotId, bands = new[] { new { maxFlowM3s = 200.0, travelMinutes = 90.0 }, new { maxFlowM3s = 1000.0, travelMinutes = 60.0 } } } } },
            },
        });
        reservoir.EnsureSuccessStatusCode();

        var speaker = await alerts.Gateway.ConnectDeviceAsync(TestCommunity.Speaker);
        var bed = new DischargeTestBed(alerts, water, speaker);
        speaker.ApplicationMessageReceivedAsync += e =>
        {
            bed.Commands.Enqueue(JsonDocument.Parse(Encoding.UTF8.GetString(e.ApplicationMessage.Payload)).RootElement.Clone());
            return Task.CompletedTask;
        };
        await speaker.SubscribeAsync(TopicScheme.Command(TestCommunity.Speaker), MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);
        return bed;
    }

    public async Task<JsonElement> IssueAsync(TimeSpan opensIn, double flow, int durationMinutes = 30)
    {
        var response = await Water.PostAsJsonAsync("/api/water/notices", new { reservoirId = Reservoir, gateOpenAt = Now + opensIn, flowM3s = flow, durationMinutes });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Moves the clock, runs the schedule and lets the alert engine catch up.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Alerts.Clock.Advance(by);
        Scheduler.RunDue();
        await Alerts.FlushAsync();
    }

    public async Task<JsonElement> WaitForCommandAsync(int count)
    {
        await Eventually.TrueAsync(() => Commands.Count >= count, because: $"command {count} reaches the loudspeaker");
        return Commands.ElementAt(count - 1);
    }

    public Task AckAsync(JsonElement command, long seq) =>
        Speaker.PublishAsync(TopicScheme.CommandAck(TestCommunity.Speaker), string.Create(CultureInfo.InvariantCulture,
            $$"""{"v":1,"ts":{{Payloads.NowMs}},"seq":{{seq}},"id":"{{command.GetProperty("id").GetString()}}","status":"done"}"""));

    public async ValueTask DisposeAsync()
    {
        Speaker.Dispose();
        Water.Dispose();
        await Alerts.DisposeAsync();
    }
}
