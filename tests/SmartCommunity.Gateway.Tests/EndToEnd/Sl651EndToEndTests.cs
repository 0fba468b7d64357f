using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.EndToEnd;

/// <summary>
/// Issue 4: SL 651 frames from a TCP client (an "RTU") reach the gateway as levels. The real agent runs an
/// <c>sl651</c> device; the RTU sends hand-built frames and reads the acknowledgements from the socket.
/// </summary>
public sealed class Sl651EndToEndTests : IAsyncLifetime
{
    private const string Station = "0012345678";

    private readonly RecordingHandler _recorder = new();
    private readonly string _agentData = Directory.CreateTempSubdirectory("sc-agent-sl651-").FullName;
    private GatewayFactory _gateway = null!;

    public Task InitializeAsync()
    {
        _gateway = new GatewayFactory(services: s => s.AddSingleton<IDeviceMessageHandler>(_recorder)).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        Directory.Delete(_agentData, recursive: true);
    }

    [Fact]
    public async Task TimedReportsFromAnRtuArriveAsLevelsStampedWithTheirObservationTimeAndACorruptFrameIsDropped()
    {
        var port = FreePort.Next();
        await using var agent = await StartAgentAsync(port);

        // Recent whole minutes (BCD observation times carry no seconds), inside the gateway's acceptance window.
        var now = DateTimeOffset.UtcNow;
        var first = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(-10);
        var second = first.AddMinutes(5);

        using var rtu = new TcpClient();
        await rtu.ConnectAsync(IPAddress.Loopback, port);
        var stream = rtu.GetStream();

        await stream.WriteAsync(TimedReport(serial: 1, first, "00001234")); // Z = 1.234 m
        Assert.Equal(1, await ReadAckSerialAsync(stream));

        await stream.WriteAsync(TimedReport(serial: 2, first.AddMinutes(1), "00009999", corruptCrc: true));
        await stream.WriteAsync(TimedReport(serial: 3, second, "00001302")); // Z = 1.302 m
        Assert.Equal(3, await ReadAckSerialAsync(stream)); // the corrupt frame got no ack

        await Eventually.TrueAsync(() => Levels().Count >= 2, TimeSpan.FromSeconds(20), "two levels at the gateway");
        var levels = Levels();
        Assert.Equal(2, levels.Count);
        Assert.Equal(1.234, levels[0].Message.LevelM);
        Assert.Equal(first.ToUnixTimeMilliseconds(), levels[0].Message.Ts);
        Assert.Equal(1.302, levels[1].Message.LevelM);
        Assert.Equal(second.ToUnixTimeMilliseconds(), levels[1].Message.Ts);
        Assert.Equal(0, _gateway.Get<IngestMetrics>().TotalRejected);
    }

    /// <summary>
    /// Issue 16: the public sample frame (a test report sent "2059-10-11 15:49:47", Z = 0.127 m) through the real agent,
    /// with its default settings. The station is acknowledged and then told the agent's time (function 4A); the
    /// reading reaches the gateway stamped with the receive time and flagged, and the devices API names the bad clock.
    /// </summary>
    [Fact]
    public async Task ThePublicSampleFrameSentIn2059ArrivesFlaggedAndTheStationIsToldTheTime()
    {
        const string SampleFrame = "7E7E010012345678123430002B020003591011154947F1F1001234567848F0F0591011154920190000052619000005392300000127381211150320FA";
        var port = FreePort.Next();
        await using var agent = await StartAgentAsync(port);
        using var rtu = new TcpClient();
        await rtu.ConnectAsync(IPAddress.Loopback, port);
        var stream = rtu.GetStream();
        var before = DateTimeOffset.UtcNow;

        await stream.WriteAsync(Convert.FromHexString(SampleFrame));

        var ack = await ReadFrameAsync(stream);
        Assert.Equal(3, (ack[14] << 8) | ack[15]);
        Assert.Equal(0x1B, ack[^3]); // ESC: stay online, a command follows
        var command = await ReadFrameAsync(stream);
        Assert.Equal(0x4A, command[10]); // set clock, carrying the agent's time in the stations' zone (UTC+8)
        Assert.Equal(0x05, command[^3]); // ENQ: the station answers
        var told = DateTimeOffset.ParseExact(Convert.ToHexString(command, 16, 6), "yyMMddHHmmss", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal).AddHours(-8);
        Assert.InRange(told, before.AddSeconds(-2), DateTimeOffset.UtcNow.AddSeconds(2));

        await Eventually.TrueAsync(() => Levels().Count >= 1, TimeSpan.FromSeconds(20), "the 2059 reading at the gateway");
        var level = Assert.Single(Levels()).Message;
        Assert.Equal(0.127, level.LevelM);
        Assert.InRange(level.Ts, before.ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()); // the receive time
        Assert.Equal(new DateTimeOffset(2059, 10, 11, 15, 49, 0, TimeSpan.FromHours(8)).ToUnixTimeMilliseconds(), level.DeviceTs);
        Assert.Equal(0, _gateway.Get<IngestMetrics>().TotalRejected);

        using var staff = await _gateway.LoginAsync("ps");
        var station = await staff.GetFromJsonAsync<JsonElement>("/api/devices/" + TestCommunity.LevelStation);
        Assert.Equal(2059, station.GetProperty("clockSuspect").GetProperty("lastDeviceTime").GetDateTimeOffset().Year);
    }

    /// <summary>Reads one 25-byte frame the agent sends down (an ack, or the set-clock command), CRC checked.</summary>
    private static async Task<byte[]> ReadFrameAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var frame = new byte[25];
        await stream.ReadExactlyAsync(frame, timeout.Token);
        Assert.Equal([0x7E, 0x7E], frame[..2]);
        Assert.Equal(Crc16Modbus(frame.AsSpan(0, 23)), (frame[23] << 8) | frame[24]);
        return frame;
    }

    /// <summary>The real agent with one sl651 device (default settings) listening on <paramref name="port"/>, once it listens.</summary>
    private async Task<AgentHost> StartAgentAsync(int port)
    {
        var device = new AgentHost.Device(TestCommunity.LevelStation, "water-level", "sl651", new()
        {
            ["ListenAddress"] = "127.0.0.1",
            ["Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Stations:0"] = Station,
        });
        var agent = await AgentHost.StartAsync(_gateway.MqttPort, _agentData, device);
        await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(20));
        return agent;
    }

    private List<(string Device, Protocol.Messages.TelemetryMessage Message)> Levels() =>
        [.. _recorder.Telemetry.Where(t => t.Device == TestCommunity.LevelStation)];

    /// <summary>
    /// A 32 timed report from <see cref="Station"/> to centre 01 with one element, 39 (Z) 4 bytes 3 decimals:
    /// 7E7E | 01 | station | 1234 | 32 | 0 + length | STX | serial, send time, F1F1 station 'H', F0F0 time, 39 23 value | ETX | CRC.
    /// </summary>
    private static byte[] TimedReport(ushort serial, DateTimeOffset observed, string levelBcd, bool corruptCrc = false)
    {
        var local = observed.ToOffset(TimeSpan.FromHours(8)); // the stations' clock zone (default UTC+8)
        var sent = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)); // a station with a right clock sends it now
        var body = Convert.FromHexString($"{serial:X4}{sent:yyMMddHHmmss}F1F1{Station}48F0F0{local:yyMMddHHmm}3923{levelBcd}");
        var frame = new List<byte> { 0x7E, 0x7E, 0x01 };
        frame.AddRange(Convert.FromHexString(Station));
        frame.AddRange([0x12, 0x34, 0x32, (byte)(body.Length >> 8), (byte)body.Length, 0x02]);
        frame.AddRange(body);
        frame.Add(0x03);
        var crc = Crc16Modbus([.. frame]) ^ (corruptCrc ? 0x0001 : 0);
        frame.Add((byte)(crc >> 8)); // SL 651 sends the CRC high byte first
        frame.Add((byte)crc);
        return [.. frame];
    }

    /// <summary>Reads one 25-byte acknowledgement (downlink, serial + centre time) and returns its serial.</summary>
    private static async Task<int> ReadAckSerialAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var ack = new byte[25];
        await stream.ReadExactlyAsync(ack, timeout.Token);
        Assert.Equal([0x7E, 0x7E], ack[..2]);
        Assert.Equal(0x80, ack[11] & 0xF0);
        Assert.Equal(Crc16Modbus(ack.AsSpan(0, 23)), (ack[23] << 8) | ack[24]);
        return (ack[14] << 8) | ack[15];
    }

    private static int Crc16Modbus(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFF;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1;
            }
        }

        return crc;
    }
}
