using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SmartCommunity.Gb28181.Media;

namespace SmartCommunity.Gb28181.Tests.Support;

/// <summary>
/// A GB/T 28181 device's media side for tests: an MPEG-PS clip encoded by the real ffmpeg (H.264 test pattern), cut
/// into RTP packets of at most 1 400 bytes of payload (PT 96, 90 kHz clock, the SSRC the INVITE named) and sent at
/// the clip's own rate, over UDP or over TCP with RFC 4571 framing. It can swap neighbouring packets and drop some,
/// as a lossy network would.
/// </summary>
public static class PsRtpSender
{
    public const int PayloadBytes = 1_400;

    /// <summary>Encodes <paramref name="seconds"/> of testsrc2 at 320×240, 25 fps, a key frame a second, as MPEG-2 PS.</summary>
    public static async Task<byte[]> EncodeClipAsync(int seconds)
    {
        var path = await EncodeClipFileAsync(seconds, "vob", Path.Combine(Path.GetTempPath(), $"sc-gb-clip-{Guid.NewGuid():N}.ps"));
        try
        {
            return await File.ReadAllBytesAsync(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The same clip written to <paramref name="path"/> in ffmpeg's <paramref name="format"/> (<c>vob</c>: MPEG-2 PS, <c>mp4</c>: a camera clip).</summary>
    public static async Task<string> EncodeClipFileAsync(int seconds, string format, string path)
    {
        var info = new ProcessStartInfo("ffmpeg") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in (string[])["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", $"testsrc2=size=320x240:rate=25:duration={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "0", "-pix_fmt", "yuv420p", "-f", format, path])
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "ffmpeg encoded the clip: " + error);
        return path;
    }

    /// <summary>RTP packets of the clip, in order (sequence from <paramref name="firstSequence"/>, wrapping at 65 536).</summary>
    public static List<byte[]> Packetize(byte[] ps, uint ssrc, int seconds, ushort firstSequence = 65_000)
    {
        var packets = new List<byte[]>();
        var count = (ps.Length + PayloadBytes - 1) / PayloadBytes;
        for (var i = 0; i < count; i++)
        {
            var payload = ps.AsSpan(i * PayloadBytes, Math.Min(PayloadBytes, ps.Length - (i * PayloadBytes)));
            var packet = new byte[12 + payload.Length];
            var timestamp = (uint)((long)i * seconds * 90_000 / count);
            RtpPacket.Write(packet, unchecked((ushort)(firstSequence + i)), timestamp, ssrc, i == count - 1, 96, payload);
            packets.Add(packet);
        }

        return packets;
    }

    /// <summary>Swaps every <paramref name="swapEvery"/>-th packet with the next and drops every <paramref name="dropEvery"/>-th; returns how many were dropped.</summary>
    public static int Disorder(List<byte[]> packets, int swapEvery, int dropEvery)
    {
        for (var i = swapEvery; i + 1 < packets.Count; i += swapEvery)
        {
            (packets[i], packets[i + 1]) = (packets[i + 1], packets[i]);
        }

        var dropped = 0;
        for (var i = packets.Count - dropEvery; i > 0; i -= dropEvery)
        {
            packets.RemoveAt(i);
            dropped++;
        }

        return dropped;
    }

    /// <summary>Sends the packets over <paramref name="seconds"/> (in 40 ms steps, the pace waits on the clock, not on fixed sleeps between packets).</summary>
    public static async Task SendAsync(IReadOnlyList<byte[]> packets, int seconds, Func<byte[], Task> send)
    {
        var clock = Stopwatch.StartNew();
        var total = TimeSpan.FromSeconds(seconds);
        var sent = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(40));
        while (sent < packets.Count)
        {
            var due = (int)Math.Min(packets.Count, Math.Ceiling(packets.Count * (clock.Elapsed / total)));
            for (; sent < due; sent++)
            {
                await send(packets[sent]);
            }

            await timer.WaitForNextTickAsync();
        }
    }

    public static async Task SendUdpAsync(IReadOnlyList<byte[]> packets, int seconds, int port)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, port);
        await SendAsync(packets, seconds, async p => await udp.SendAsync(p, target));
    }

    public static async Task SendTcpAsync(IReadOnlyList<byte[]> packets, int seconds, int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        await SendAsync(packets, seconds, async p => await stream.WriteAsync(Rfc4571Framer.Frame(p)));
    }
}
