using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace SmartCommunity.EdgeAgent.Queue;

/// <summary>One append-only segment file, named after the index of its first record.</summary>
internal sealed class Segment : IDisposable
{
    public const string Extension = ".seg";

    private Segment(string path, long firstIndex, SafeFileHandle handle, long length)
    {
        Path = path;
        FirstIndex = firstIndex;
        Handle = handle;
        Length = length;
    }

    public string Path { get; }

    public long FirstIndex { get; }

    public SafeFileHandle Handle { get; }

    public long Length { get; private set; }

    /// <summary>Records in this segment that are neither delivered nor dropped.</summary>
    public int Live { get; set; }

    public static string FileName(long firstIndex) => firstIndex.ToString("D19", CultureInfo.InvariantCulture) + Extension;

    public static bool TryParseFirstIndex(string path, out long firstIndex) =>
        long.TryParse(System.IO.Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out firstIndex);

    public static Segment Open(string path, long firstIndex)
    {
        var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        return new Segment(path, firstIndex, handle, RandomAccess.GetLength(handle));
    }

    public void Append(byte[] record)
    {
        RandomAccess.Write(Handle, record, Length);
        Length += record.Length;
    }

    public void Flush() => RandomAccess.FlushToDisk(Handle);

    public byte[] ReadPayload(long offset, int length)
    {
        var payload = new byte[length];
        var read = RandomAccess.Read(Handle, payload, offset);
        if (read != length)
        {
            throw new IOException($"Queue segment {Path} ended at {offset + read}, inside a record that was valid when opened.");
        }

        return payload;
    }

    /// <summary>
    /// Reads every record from the start. Stops at the first record whose length or CRC does not check out
    /// (a write cut short by a crash), cuts the file there and returns how many bytes were cut.
    /// </summary>
    public long Scan(Action<long, byte, long, int> onRecord)
    {
        var header = new byte[RecordFormat.HeaderSize];
        long offset = 0;
        while (offset < Length)
        {
            if (RandomAccess.Read(Handle, header, offset) < header.Length)
            {
                break;
            }

            var bodyLength = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (bodyLength < RecordFormat.BodyPrefixSize || bodyLength > RecordFormat.MaxBodySize || offset + RecordFormat.HeaderSize + bodyLength > Length)
            {
                break;
            }

            var body = new byte[bodyLength];
            RandomAccess.Read(Handle, body, offset + RecordFormat.HeaderSize);
            if (RecordFormat.Crc32C(body) != BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4)))
            {
                break;
            }

            var index = BinaryPrimitives.ReadInt64LittleEndian(body);
            var kind = body[8];
            var payloadOffset = offset + RecordFormat.HeaderSize + RecordFormat.BodyPrefixSize;
            onRecord(index, kind, payloadOffset, bodyLength - RecordFormat.BodyPrefixSize);
            offset += RecordFormat.HeaderSize + bodyLength;
        }

        var cut = Length - offset;
        if (cut > 0)
        {
            RandomAccess.SetLength(Handle, offset);
            Length = offset;
        }

        return cut;
    }

    public void Dispose() => Handle.Dispose();
}
