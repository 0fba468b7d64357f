using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCommunity.EdgeAgent.Drivers.Sl651;
using SmartCommunity.EdgeAgent.Tests.Support;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Sl651.Framing;
using static SmartCommunity.EdgeAgent.Tests.Sl651.Sl651TestFrames;

namespace SmartCommunity.EdgeAgent.Tests.Sl651;

/// <summary>The sl651 driver against a real TCP connection from a hand-built "RTU".</summary>
public sealed class Sl651StationDriverTests : IAsyncLifetime, IDisposable
{
    private const string Z1234 = "39 23 00001234";

    private readonly Sl651Listeners _listeners = new(NullLogger<Sl651Listeners>.Instance);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _drivers = [];
    private readonly int _port = FreePort();

    // Observation times must be whole minutes (BCD YYMMDDhhmm).
    private readonly DateTimeOffset _observed = new(2025, 7, 15, 0, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_drivers.Where(d => !d.IsFaulted));
        await _listeners.DisposeAsync();
    }

    public void Dispose() => _stop.Dispose();

    private Sl651Listener Listener => _listeners.Find(new IPEndPoint(IPAddress.Loopback, _port))!;

    [Fact]
    public async Task ElementsOfATimedReportBecomeOneTelemetryMessageStampedWithTheObservationTime()
    {
        var device = StartDevice();
        using var rtu = await ConnectAsync(_port);
        var stream = rtu.GetStream();

        await stream.WriteAsync(Report(0x32, 7, _observed, "39 23 00001234  3B 23 00015678  27 23 00012345  20 19 000005  38 12 1234"));

        Assert.Equal(7, await ReadAckSerialAsync(stream));
        await Eventually.TrueAsync(() => device.Telemetry.Count == 1);
        var telemetry = device.Telemetry[0];
        Assert.Equal(_observed.ToUnixTimeMilliseconds(), telemetry.Ts);
        Assert.Equal(1.234, telemetry.LevelM); // 39 (Z), not 3B (ZU), by default
        Assert.Equal(12.345, telemetry.FlowM3s);
        Assert.Equal(0.5, telemetry.RainMm);
        Assert.Equal(12.34, telemetry.BatteryV);
        Assert.Empty(device.Events);
    }

    [Fact]
    public async Task AReservoirStationConfiguredForElement3BTakesItsLevelFromTheUpstreamLevel()
    {
        var device = StartDevice(extra: new() { ["LevelElements:0"] = "3B" });
        using var rtu = await ConnectAsync(_port);
        var stream = rtu.GetStream();

        await stream.WriteAsync(Report(0x32, 8, _observed, "39 23 00001234  3B 23 00015678"));

        Assert.Equal(8, await ReadAckSerialAsync(stream));
        await Eventually.TrueAsync(() => device.Telemetry.Count == 1);
        Assert.Equal(15.678, device.Telemetry[0].LevelM);
    }

    [Fact]
    public async Task AnAddedReport33AlsoBecomesAThresholdReportEventWithTheLevel()
    {
        var device = StartDevice();
        using var rtu = await ConnectAsync(_port);
        var stream = rtu.GetStream();

        await stream.WriteAsync(Report(0x33, 9, _observed, "39 23 00002500"));

        Assert.Equal(9, await ReadAckSerialAsync(stream));
        await Eventually.TrueAsync(() => device.Events.Count == 1);
        var evt = device.Events[0];
        Assert.Equal(EventTypes.ThresholdReport, evt.Type);
        Assert.Equal(2.5, evt.LevelM);
        Assert.Equal(_observed.ToUnixTimeMilliseconds(), evt.Ts);
        Assert.Equal(2.5, Assert.Single(device.Telemetry).LevelM);
    }

    [Fact]
    public async Task AReportFromAnUnknownStationIsRefusedCountedAndNotPublished()
    {
        var device = StartDevice();
        using var rtu = await ConnectAsync(_port);
        var stream = rtu.GetStream();

        await stream.WriteAsync(Report(0x32, 1, _observed, Z1234, station: "0099999999"));
        await Eventually.TrueAsync(() => Listener.UnknownStationReports == 1);
        await stream.WriteAsync(Report(0x32, 2, _observed.AddMinutes(5), "39 23 00001300"));

        // The unknown station got no ack: the first ack on the wire is the known station's.
        Assert.Equal(2, await ReadAckSerialAsync(stream));
        await Eventually.TrueAsync(() => device.Telemetry.Count == 1);
        Assert.Equal(1.3, device.Telemetry[0].LevelM);
        Assert.Equal(1, Listener.UnknownStationReports);
    }

    [Fact]
    public async Task AFrameWithABadCrcIsCountedByReasonAndNothingIsPublished()
    {
        var device = StartDevice();
        using var rtu = await ConnectAsync(_port);
        var stream = rtu.GetStream();

        await stream.WriteAsync(Report(0x32, 1, _observed, Z1234, corruptCrc: true));
        await Eventually.TrueAsync(() => Listener.Counters.Rejects(Sl651RejectReason.CrcMismatch) == 1);
        await stream.WriteAsync(Report(0x32, 2, _observed.AddMinutes(5), "39 23 00001300"));

        Assert.Equal(2, await ReadAckSerialAsync(stream));
        await Eventually.TrueAsync(() => device.Telemetry.Count == 1);
        Assert.Equal(1.3, device.Telemetry[0].LevelM);
        Assert.Equal(1, Listener.Counters.TotalRejects);
    }

    [Fact]
    public async Task ARejectedFrameIsACounterOnMetricsLabelledWithItsListenerAndReason()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var bridge = new SmartCommunity.Metrics.PrometheusBridge(meters);
        SmartCommunity.Sl651.Server.Sl651Instruments.Publish(meters, () => _listeners.All.Select(l => (l.EndPoint.ToString(), l.Counters)));
        StartDevice();
        using var rtu = await ConnectAsync(_port);

        await rtu.GetStream().WriteAsync(Report(0x32, 1, _observed, Z1234, corruptCrc: true));
        await Eventually.TrueAsync(() => Listener.Counters.Rejects(Sl651RejectReason.CrcMismatch) == 1);

        var text = bridge.Render();
        Assert.Contains("# TYPE sc_sl651_rejected_total counter", text, StringComparison.Ordinal);
        Assert.Contains($"sc_sl651_rejected_total{{listener=\"127.0.0.1:{_port}\",reason=\"crc_mismatch\"}} 1", text, StringComparison.Ordinal);
        Assert.Contains($"sc_sl651_rejected_total{{listener=\"127.0.0.1:{_port}\",reason=\"bad_start\"}} 0", text, StringComparison.Ordinal);
        Assert.Contains($"sc_sl651_active_connections{{listener=\"127.0.0.1:{_port}\"}} 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoStationsConfiguredOnTheSamePortShareOneListenerAndEachGetsItsOwnReports()
    {
        var first = StartDevice();
        var second = StartDevice(station: "0087654321");
        using var rtu1 = await ConnectAsync(_port);
        using var rtu2 = await ConnectAsync(_port);

        await rtu1.GetStream().WriteAsync(Report(0x32, 1, _observed, Z1234));
        await rtu2.GetStream().WriteAsync(Report(0x32, 2, _observed, "39 23 00000777", station: "0087654321"));

        Assert.Equal(1, await ReadAckSerialAsync(rtu1.GetStream()));
        Assert.Equal(2, await ReadAckSerialAsync(rtu2.GetStream()));
        await Eventually.TrueAsync(() => first.Telemetry.Count == 1 && second.Telemetry.Count == 1);
        Assert.Equal(1.234, first.Telemetry[0].LevelM);
        Assert.Equal(0.777, second.Telemetry[0].LevelM);
        Assert.Equal(2, Listener.Counters.ConnectionsAccepted);
    }

    [Fact]
    public async Task ASecondDeviceClaimingAStationAlreadyTakenOnTheListenerFailsSayingSo()
    {
        StartDevice();
        StartDevice();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => _drivers[1]);
        Assert.Contains($"station {Station}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("already belongs to another device", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SettingsWithoutStationsOrWithABadAddressAreRefusedAtStart()
    {
        Assert.Contains("Stations is empty", Check(new()));
        Assert.Contains("10 hex digits", Check(new() { ["Stations:0"] = "12345" }));
        Assert.Contains("element identifier", Check(new() { ["Stations:0"] = Station, ["LevelElements:0"] = "Z" }));
        Assert.Contains("SetClockWhenOffByMinutes", Check(new() { ["Stations:0"] = Station, ["SetClockWhenOffByMinutes"] = "-1" }));
        Assert.Contains("SetClockWhenOffByMinutes", Check(new() { ["Stations:0"] = Station, ["SetClockWhenOffByMinutes"] = "NaN" }));
        Assert.Null(Check(new() { ["Stations:0"] = Station, ["LevelElements:0"] = "3B", ["Port"] = "5005" }));
    }

    private static string? Check(Dictionary<string, string?> settings) =>
        Sl651StationDriver.CheckSettings(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    private RecordingDeviceContext StartDevice(string station = Station, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ListenAddress"] = "127.0.0.1",
            ["Port"] = _port.ToString(CultureInfo.InvariantCulture),
            ["Stations:0"] = station,

            // These reports carry fixed 2025 times: with clock setting on, each ack would be followed by a set-clock
            // command the hand-built RTU does not expect. The agent-to-gateway test runs it with the default.
            ["SetClockWhenOffByMinutes"] = "0",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var context = new RecordingDeviceContext(DeviceKind.WaterLevelStation, TimeProvider.System, settings);

        // RunAsync subscribes before its first real await (an uncontended gate, a synchronous bind), so the station
        // is routed when this returns.
        _drivers.Add(new Sl651StationDriver(_listeners).RunAsync(context, _stop.Token));
        return context;
    }
}
