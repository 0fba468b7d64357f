using System.Buffers.Binary;

namespace SmartCommunity.Gb28181.Media;

/// <summary>
/// Cuts RTP packets out of a TCP stream framed as RFC 4571 §2 (a 16-bit big-endian length before each packet), as
/// GB/T 28181-2016 §9.2 (RTP over TCP) uses it. A length of 0 or above <see cref="MaxPacket"/> means the framing is
/// lost: the stream cannot be resynchronised and must be closed.
/// </summary>
public sealed class Rfc4571Framer(int maxPacket = 65_535)
{
    private readonly byte[] _buffer = new byte[2 + maxPacket];
    private int _filled;

    public int MaxPacket { get; } = maxPacket;

    /// <summary>Adds received bytes and hands on each whole packet; false (and nothing more is read) when a length is impossible.</summary>
    public bool Add(ReadOnlySpan<byte> data, Action<ReadOnlySpan<byte>> packet)
    {
        while (data.Length > 0)
        {
            var take = Math.Min(data.Length, _buffer.Length - _filled);
            data[..take].CopyTo(_buffer.AsSpan(_filled));
            _filled += take;
            data = data[take..];
            var offset = 0;
            while (_filled - offset >= 2)
            {
                var length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(offset));
                if (length == 0 || length > MaxPacket)
                {
                    return false;
                }

                if (_filled - offset - 2 < length)
                {
                    break;
                }

                packet(_buffer.AsSpan(offset + 2, length));
                offset += 2 + length;
            }

            _buffer.AsSpan(offset, _filled - offset).CopyTo(_buffer);
            _filled -= offset;
        }

        return true;
    }

    /// <summary>Writes one framed packet (test senders, the cascade's upward stream).</summary>
    public static byte[] Frame(ReadOnlySpan<byte> packet)
    {
        var framed = new byte[2 + packet.Length];
        BinaryPrimitives.WriteUInt16BigEndian(framed, checked((ushort)packet.Length));
        packet.CopyTo(framed.AsSpan(2));
        return framed;
    }
}
