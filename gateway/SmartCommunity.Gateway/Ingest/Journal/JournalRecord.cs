using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.Ingest.Journal;

/// <summary>
/// One reliable message as the ingest journal keeps it, and its on-disk form:
/// <c>u32 body length · u32 CRC-32 of the body · body</c>, little-endian, where the body is
/// <c>u8 message class · u8 owner length · owner (UTF-8) · i64 received (unix ms) · payload</c>.
/// The CRC tells a record written whole from the torn tail a crash leaves; a torn record was never
/// acknowledged, because acknowledgements wait for the fsync that follows the write.
/// </summary>
internal readonly record struct JournalRecord(MessageClass Class, string Owner, long ReceivedUnixMs, ReadOnlyMemory<byte> Payload)
{
    private const int HeaderBytes = 8;
    private const int FixedBodyBytes = 1 + 1 + 8;

    /// <summary>Largest body a reader accepts: the payload limit is at most 1 MiB, so anything larger is damage.</summary>
    internal const int MaxBodyBytes = 2 * 1024 * 1024;

    /// <summary>Appends this record's on-disk form to <paramref name="output"/>.</summary>
    public void WriteTo(Stream output)
    {
        var ownerBytes = Encoding.UTF8.GetByteCount(Owner);
        if (ownerBytes > byte.MaxValue)
        {
            throw new InvalidOperationException("Owner IDs are at most 255 bytes (device IDs are far shorter).");
        }

        var bodyLength = FixedBodyBytes + ownerBytes + Payload.Length;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(HeaderBytes + bodyLength);
        try
        {
            var span = buffer.AsSpan(0, HeaderBytes + bodyLength);
            var body = span[HeaderBytes..];
            body[0] = (byte)Class;
            body[1] = (byte)ownerBytes;
            Encoding.UTF8.GetBytes(Owner, body.Slice(2, ownerBytes));
            BinaryPrimitives.WriteInt64LittleEndian(body.Slice(2 + ownerBytes, 8), ReceivedUnixMs);
            Payload.Span.CopyTo(body[(FixedBodyBytes + ownerBytes)..]);
            BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)bodyLength);
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Crc32.HashToUInt32(body));
            output.Write(span);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads the records of one segment in order. Stops at the first record that is truncated, too large or
    /// fails its CRC: that is the tail a crash cut off, and <paramref name="damaged"/> says so.
    /// </summary>
    public static List<JournalRecord> ReadAll(Stream input, out bool damaged)
    {
        var records = new List<JournalRecord>();
        Span<byte> header = stackalloc byte[HeaderBytes];
        damaged = false;
        while (true)
        {
            var got = input.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false);
            if (got == 0)
            {
                return records;
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
            if (got < HeaderBytes || length < FixedBodyBytes || length > MaxBodyBytes)
            {
                damaged = true;
                return records;
            }

            var body = new byte[length];
            if (input.ReadAtLeast(body, body.Length, throwOnEndOfStream: false) < body.Length
                || Crc32.HashToUInt32(body) != BinaryPrimitives.ReadUInt32LittleEndian(header[4..]))
            {
                damaged = true;
                return records;
            }

            if (TryParse(body, out var record))
            {
                records.Add(record);
            }
            else
            {
                damaged = true;
                return records;
            }
        }
    }

    private static bool TryParse(byte[] body, out JournalRecord record)
    {
        record = default;
        var ownerBytes = body[1];
        if (!Enum.IsDefined((MessageClass)body[0]) || FixedBodyBytes + ownerBytes > body.Length)
        {
            return false;
        }

        var owner = Encoding.UTF8.GetString(body, 2, ownerBytes);
        var received = BinaryPrimitives.ReadInt64LittleEndian(body.AsSpan(2 + ownerBytes, 8));
        record = new JournalRecord((MessageClass)body[0], owner, received, body.AsMemory(FixedBodyBytes + ownerBytes));
        return true;
    }
}
