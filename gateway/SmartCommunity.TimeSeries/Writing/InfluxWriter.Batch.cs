using SmartCommunity.TimeSeries.LineProtocol;
using SmartCommunity.TimeSeries.Points;

namespace SmartCommunity.TimeSeries.Writing;

public sealed partial class InfluxWriter
{
    /// <summary>One class of points being collected into a request body; the buffer is pooled and reused.</summary>
    private sealed class Batch(Durability durability) : IDisposable
    {
        private int _lines;

        public Durability Durability { get; } = durability;

        public PooledBufferWriter Buffer { get; private set; } = new();

        public int Lines => _lines;

        /// <summary>Read by other threads for the BufferSize gauge.</summary>
        public int PendingLines => Volatile.Read(ref _lines);

        public DateTimeOffset Deadline { get; private set; }

        public void Add(Point point, WritePrecision precision, DateTimeOffset now, TimeSpan flushInterval)
        {
            if (_lines == 0)
            {
                Deadline = now + flushInterval;
            }

            LineProtocolEncoder.Encode(point, precision, Buffer);
            Volatile.Write(ref _lines, _lines + 1);
        }

        public bool IsFull(int batchSize) => _lines >= batchSize || Buffer.WrittenCount >= MaxBatchBytes - Point.MaxStringFieldBytes;

        public void Clear()
        {
            Buffer.Clear();
            Volatile.Write(ref _lines, 0);
        }

        /// <summary>Hands the filled buffer over (for a request in flight) and continues with <paramref name="spare"/> or a new one.</summary>
        public PooledBufferWriter TakeBuffer(PooledBufferWriter? spare)
        {
            var full = Buffer;
            Buffer = spare ?? new PooledBufferWriter();
            Volatile.Write(ref _lines, 0);
            return full;
        }

        public void Dispose() => Buffer.Dispose();
    }
}
