using System.Net;
using System.Net.Sockets;

namespace SmartCommunity.Gb28181.Media;

/// <summary>
/// The sending half of a GB/T 28181 media stream: a program stream read as it comes (an ffmpeg's stdout) is cut by
/// <see cref="PsRtpPacketizer"/> and sent as RTP over a UDP socket to <c>target</c>, or over a connected TCP stream
/// with RFC 4571 framing (a read's packets written together). Used by the gateway sending a camera to its superior
/// platform and by the demo's simulated GB/T 28181 camera. Returns at the end of the input; I/O errors are thrown.
/// </summary>
public static class PsRtpStreamer
{
    /// <param name="sent">Called after each read with the packets sent since the last call (for counters).</param>
    public static async Task<long> PumpAsync(Stream ps, PsRtpPacketizer packetizer, Socket? udp, IPEndPoint target, Stream? tcp, Action<long> sent,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ps);
        ArgumentNullException.ThrowIfNull(packetizer);
        ArgumentNullException.ThrowIfNull(sent);
        if ((udp is null) == (tcp is null))
        {
            throw new ArgumentException("Exactly one of a UDP socket and a TCP stream.", nameof(udp));
        }

        using var framed = new MemoryStream();
        var buffer = new byte[64 * 1024];
        long reported = 0;

        void Send(ReadOnlySpan<byte> packet)
        {
            if (udp is not null)
            {
                udp.SendTo(packet, SocketFlags.None, target);
            }
            else
            {
                framed.Write(Rfc4571Framer.Frame(packet));
            }
        }

        async Task WriteAsync()
        {
            if (tcp is not null && framed.Length > 0)
            {
                await tcp.WriteAsync(framed.GetBuffer().AsMemory(0, (int)framed.Length), cancellationToken).ConfigureAwait(false);
            }

            framed.SetLength(0);
            sent(packetizer.Packets - reported);
            reported = packetizer.Packets;
        }

        int read;
        while ((read = await ps.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            packetizer.Add(buffer.AsSpan(0, read), Send);
            await WriteAsync().ConfigureAwait(false);
        }

        packetizer.Flush(Send); // The last pack, held until the input ended.
        await WriteAsync().ConfigureAwait(false);
        return packetizer.Packets;
    }
}
