using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace SmartCommunity.EdgeAgent.Queue;

/// <summary>
/// The persisted "acknowledged up to" index of a queue: every record with a lower or equal index is delivered.
/// Two 24-byte slots (<c>u64 value | u64 generation | u32 crc32c | pad</c>) are written alternately, so a write
/// torn by a crash leaves the other slot intact. Written to the OS after every acknowledgement but not fsync'd:
/// after a power cut a few delivered messages may be sent again, which the gateway's (boot, seq) window discards.
/// </summary>
internal sealed class AckPointerFile : IDisposable
{
    private const int SlotSize = 24;

    private readonly SafeFileHandle _handle;
    private readonly byte[] _buffer = new byte[SlotSize];
    private long _generation;

    private AckPointerFile(SafeFileHandle handle, long value, long generation)
    {
        _handle = handle;
        Value = value;
        _generation = generation;
    }

    public long Value { get; private set; }

    public static AckPointerFile Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var bytes = new byte[SlotSize * 2];
        var read = RandomAccess.Read(handle, bytes, 0);
        (long Value, long Generation) best = (0, 0);
        for (var slot = 0; slot < 2; slot++)
        {
            if (read < (slot + 1) * SlotSize)
            {
                break;
            }

            var span = bytes.AsSpan(slot * SlotSize, SlotSize);
            if (RecordFormat.Crc32C(span[..16]) != BinaryPrimitives.ReadUInt32LittleEndian(span[16..]))
            {
                continue;
            }

            var generation = BinaryPrimitives.ReadInt64LittleEndian(span[8..]);
            if (generation > best.Generation)
            {
                best = (BinaryPrimitives.ReadInt64LittleEndian(span), generation);
            }
        }

        return new AckPointerFile(handle, best.Value, best.Generation);
    }

    public void Write(long value)
    {
        if (value == Value)
        {
            return;
        }

        _generation++;
        var span = _buffer.AsSpan();
        BinaryPrimitives.WriteInt64LittleEndian(span, value);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], _generation);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], RecordFormat.Crc32C(span[..16]));
        RandomAccess.Write(_handle, _buffer, (_generation % 2) * SlotSize);
        Value = value;
    }

    public void Dispose() => _handle.Dispose();
}
