using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Ingest;

/// <summary>Issue 16: a device with an implausible clock is heard, flagged and counted, never silently dropped.</summary>
public sealed class ClockSuspectTests : IAsyncLifetime
{
    private readonly RecordingHandler _recorder = new();
    private GatewayFactory _gateway = null!;

    public Task InitializeAsync()
    {
        _gateway = new GatewayFactory(services: s => s.AddSingleton<IDeviceMessageHandler>(_recorder)).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task ADuressEventFromADoorUnitWhoseClockSaysTwentyFiftyNineIsHandledWithTheReceiveTimeAndTheOperatorSeesTheBadClock()
    {
        var year2059 = new DateTimeOffset(2059, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        using var door = await _gateway.ConnectDeviceAsync(TestCommunity.DoorUnit);
        var before = Payloads.NowMs;

        await door.PublishAsync(TopicScheme.Event(TestCommunity.DoorUnit), $$"""{"v":1,"ts":{{year2059}},"seq":1,"type":"duress","door":"east"}""");

        await Eventually.TrueAsync(() => _recorder.Events.Count == 1);
        var (_, handled) = _recorder.Events.Single();
        Assert.Equal("duress", handled.Type);
        Assert.Equal(year2059, handled.DeviceTs);
        Assert.InRange(handled.Ts, before, Payloads.NowMs);
        Assert.Contains("sc_ingest_clock_suspect_total{class=\"event\"} 1", _gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render(), StringComparison.Ordinal);

        using var staff = await _gateway.LoginAsync("ps");
        var device = await staff.GetFromJsonAsync<JsonElement>("/api/devices/" + TestCommunity.DoorUnit);
        var clock = device.GetProperty("clockSuspect");
        Assert.Equal(1, clock.GetProperty("messages").GetInt64());
        Assert.Equal(2059, clock.GetProperty("lastDeviceTime").GetDateTimeOffset().Year);
        Assert.Contains("days ahead", clock.GetProperty("skew").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, clock.GetProperty("rightSince").ValueKind);

        // Its clock is set: a plausible time afterwards is noted, the history of the bad clock kept.
        var fixedAt = Payloads.NowMs;
        await door.PublishAsync(TopicScheme.Event(TestCommunity.DoorUnit), $$"""{"v":1,"ts":{{Payloads.NowMs}},"seq":2,"type":"duress","door":"east"}""");
        await Eventually.TrueAsync(() => _recorder.Events.Count == 2);
        clock = (await staff.GetFromJsonAsync<JsonElement>("/api/devices/" + TestCommunity.DoorUnit)).GetProperty("clockSuspect");
        Assert.Equal(1, clock.GetProperty("messages").GetInt64());
        Assert.InRange(clock.GetProperty("rightSince").GetDateTimeOffset().ToUnixTimeMilliseconds(), fixedAt, Payloads.NowMs);

        var other = await staff.GetFromJsonAsync<JsonElement>("/api/devices/" + TestCommunity.LevelStation);
        Assert.Equal(JsonValueKind.Null, other.GetProperty("clockSuspect").ValueKind);
    }
}
