using System.Buffers.Binary;
using System.Numerics;

namespace SmartCommunity.EdgeAgent.Queue;

/// <summary>
/// One record in a segment file, little-endian:
/// <c>u32 bodyLength | u32 crc32c(body) | body</c> where <c>body = u64 index | u8 kind | payload</c>.
/// The length and CRC let a reader find where a crash cut a write short and stop there.
/// </summary>
internal static class RecordFormat
{
    public const int HeaderSize = 8;
    public const int BodyPrefixSize = 9;

    /// <summary>Kind byte of a tombstone: its payload is the u64 index of a telemetry record dropped to make room.</summary>
    public const byte TombstoneKind = 0xFF;

    /// <summary>Largest body accepted on read; anything larger is a torn or garbage length field.</summary>
    public const int MaxBodySize = 1024 * 1024;

    public static byte[] Encode(long index, byte kind, ReadOnlySpan<byte> payload)
    {
        var record = new byte[HeaderSize + BodyPrefixSize + payload.Length];
        var body = record.AsSpan(HeaderSize);
        BinaryPrimitives.WriteInt64LittleEndian(body, index);
        body[8] = kind;
        payload.CopyTo(body[BodyPrefixSize..]);
        BinaryPrimitives.WriteInt32LittleEndian(record, body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), Crc32C(body));
        return record;
    }

    public static byte[] EncodeTombstone(long index, long droppedIndex)
    {
        Span<byte> payload = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(payload, droppedIndex);
        return Encode(index, TombstoneKind, payload);
    }

    /// <summary>CRC-32C (Castagnoli), hardware-accelerated where the CPU has it.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
