using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SmartCommunity.EdgeAgent.Tests.Sl651;

/// <summary>
/// Hand-built SL 651 HEX/BCD uplink reports with their own CRC, so the driver tests do not trust the library's encoder.
/// Layout: 7E7E | centre | station(5) | password(2) | function | 0 + length(12 bits) | STX | body | ETX | CRC (high byte first).
/// </summary>
internal static class Sl651TestFrames
{
    public const string Station = "0012345678";

    /// <summary>Ack length: 17 bytes of frame overhead + serial (2) + centre time (6).</summary>
    public const int AckLength = 25;

    /// <param name="elements">Element hex, e.g. <c>"39 23 00001234"</c> (Z, 4 bytes, 3 decimals = 1.234 m).</param>
    /// <param name="observation">Observation time in the station's zone (UTC+8), to the minute.</param>
    public static byte[] Report(byte function, ushort serial, DateTimeOffset observation, string elements, string station = Station, bool corruptCrc = false)
    {
        var local = observation.ToOffset(TimeSpan.FromHours(8));
        var body = Hex($"{serial:X4}{local:yyMMddHHmmss}F1F1{station}48F0F0{local:yyMMddHHmm}{elements}");
        var frame = new List<byte> { 0x7E, 0x7E, 0x01 };
        frame.AddRange(Hex(station));
        frame.AddRange([0x12, 0x34, function, (byte)(body.Length >> 8), (byte)body.Length, 0x02]);
        frame.AddRange(body);
        frame.Add(0x03);
        var crc = Crc16Modbus([.. frame]);
        if (corruptCrc)
        {
            crc ^= 0x0001;
        }

        frame.Add((byte)(crc >> 8));
        frame.Add((byte)crc);
        return [.. frame];
    }

    /// <summary>Reads one acknowledgement and returns its serial number (bytes 14–15, after STX).</summary>
    public static async Task<int> ReadAckSerialAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var ack = new byte[AckLength];
        await stream.ReadExactlyAsync(ack, timeout.Token);
        Assert.Equal([0x7E, 0x7E], ack[..2]);
        Assert.Equal(0x80, ack[11] & 0xF0); // downlink
        Assert.Equal(Crc16Modbus(ack.AsSpan(0, AckLength - 2)), (ack[^2] << 8) | ack[^1]);
        return (ack[14] << 8) | ack[15];
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<TcpClient> ConnectAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return client;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                client.Dispose();
                await Task.Delay(20); // polling until the driver's listener is up, not a timing assumption
            }
        }
    }

    public static DateTimeOffset Minute(DateTimeOffset time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerMinute), time.Offset);

    public static string Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>Bit-by-bit CRC-16/Modbus (reflected 0xA001, init 0xFFFF).</summary>
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
