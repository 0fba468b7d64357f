using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Protocol.Validation;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Ingest;

/// <summary>Issue 19: one message must cost only itself, never the ingest worker that handles it.</summary>
public sealed class SupervisionTests : IAsyncLifetime
{
    private const string Repro = """{"v":1,"ts":4611686018427387904,"seq":1}""";
    private readonly RecordingHandler _recorder = new();
    private GatewayFactory _gateway = null!;

    public Task InitializeAsync()
    {
        _gateway = new GatewayFactory(settings: new() { ["Ingest:Workers"] = "2" }, services: s => s.AddSingleton<IDeviceMessageHandler>(_recorder)).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private long Rejected(RejectReason reason)
    {
        var line = _gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render().Split('\n')
            .Single(l => l.StartsWith($"sc_ingest_rejected_total{{reason=\"{reason.Label()}\"}}", StringComparison.Ordinal));
        return long.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task AMessageThatTripsABugIsRefusedAsInternalErrorAndTheGatewayCarriesOn()
    {
        // A telemetry message without its device cannot come from the broker; it stands for any bug in a decoder.
        var bytes = Encoding.UTF8.GetBytes(Payloads.Level(1, 1.0));
        var broken = new InboundMessage(MessageClass.Telemetry, null, null, bytes, bytes.Length, TimeProvider.System.GetTimestamp());

        _gateway.Get<MessageProcessor>().Process(broken);

        Assert.Equal(1, Rejected(RejectReason.InternalError));
        Assert.Contains(_gateway.Get<RejectionLog>().Recent("?"), r => r.Reason == RejectReason.InternalError.Label() && r.Error.Contains("NullReferenceException", StringComparison.Ordinal));
        using var device = await _gateway.ConnectDeviceAsync(TestCommunity.LevelStation);
        await device.PublishAsync(TopicScheme.Telemetry(TestCommunity.LevelStation), Payloads.Level(2, 2.0));
        await Eventually.TrueAsync(() => _recorder.Telemetry.Count == 1);
    }

    [Fact]
    public async Task TheIssue19ReproFromEveryDeviceIsRefusedAndTheirAlarmsAfterItAreAllHandled()
    {
        var devices = new[] { TestCommunity.LevelStation, TestCommunity.DoorUnit, TestCommunity.Camera, TestCommunity.Speaker };
        foreach (var id in devices)
        {
            using var client = await _gateway.ConnectDeviceAsync(id);
            await client.PublishAsync(TopicScheme.Telemetry(id), Repro);
            await client.PublishAsync(TopicScheme.Event(id), $$"""{"v":1,"ts":{{Payloads.NowMs}},"seq":2,"type":"{{(id == TestCommunity.DoorUnit ? "duress" : "tamper")}}","door":"east"}""");
        }

        await Eventually.TrueAsync(() => _recorder.Events.Count == devices.Length, because: "every device's alarm after the poison is handled");
        Assert.Equal(devices.Order(), _recorder.Events.Select(e => e.Device).Order());
        Assert.Equal(devices.Length, Rejected(RejectReason.TimestampInFuture));
        Assert.Equal(0, Rejected(RejectReason.InternalError));
        var rejection = _gateway.Get<RejectionLog>().Recent(TestCommunity.DoorUnit).Single();
        Assert.Equal("timestamp_in_future", rejection.Reason);
        Assert.Contains("9999", rejection.Error, StringComparison.Ordinal);
    }
}
