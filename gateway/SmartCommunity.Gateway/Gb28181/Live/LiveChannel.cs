using System.Threading.Channels;
using SmartCommunity.Gb28181.Media;

namespace SmartCommunity.Gateway.Gb28181.Live;

/// <summary>
/// One GB channel's live program stream, fanned out to its readers (the recorder's ffmpeg, the prober, live view,
/// analysis). A reader that joins first gets the current group of pictures, from the last pack that carried a
/// parameter set (kept up to <see cref="MaxGopBytes"/>), so its decoder starts at once instead of waiting for the
/// next key frame. Each reader has a bounded queue; one that falls behind by <see cref="ReaderQueue"/> units is cut
/// off (its ffmpeg reconnects), so a slow reader never holds the others or memory.
/// </summary>
public sealed class LiveChannel(string channelId)
{
    public const int ReaderQueue = 4_096;
    public const int MaxGopBytes = 8 << 20;

    private readonly Lock _lock = new();
    private readonly List<Channel<byte[]>> _readers = [];
    private readonly List<byte[]> _gop = [];
    private readonly List<byte[]> _headersSinceVideo = [];
    private byte[]? _streamMap;
    private long _gopBytes;

    public string ChannelId { get; } = channelId;

    public int Readers
    {
        get
        {
            lock (_lock)
            {
                return _readers.Count;
            }
        }
    }

    /// <summary>Units written since the stream began (tests and status).</summary>
    public long UnitsWritten { get; private set; }

    /// <summary>Readers cut off for falling behind.</summary>
    public long SlowReaders { get; private set; }

    /// <summary>A new reader, primed with the current group of pictures.</summary>
    public ChannelReader<byte[]> Attach()
    {
        var queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(ReaderQueue) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });
        lock (_lock)
        {
            if (_streamMap is not null && (_gop.Count == 0 || !ReferenceEquals(_gop[0], _streamMap)))
            {
                queue.Writer.TryWrite(_streamMap);
            }

            foreach (var unit in _gop)
            {
                queue.Writer.TryWrite(unit);
            }

            _readers.Add(queue);
        }

        return queue.Reader;
    }

    public void Detach(ChannelReader<byte[]> reader)
    {
        lock (_lock)
        {
            _readers.RemoveAll(r => r.Reader == reader);
        }
    }

    /// <summary>Ends every reader (the stream ended: BYE, device gone, gateway stopping).</summary>
    public void Complete()
    {
        lock (_lock)
        {
            foreach (var reader in _readers)
            {
                reader.Writer.TryComplete();
            }

            _readers.Clear();
            _gop.Clear();
            _headersSinceVideo.Clear();
            _gopBytes = 0;
        }
    }

    /// <summary>Hands one demultiplexed unit to every reader (called by the stream's one receive loop).</summary>
    public void Write(PsUnit unit)
    {
        var bytes = unit.Bytes.ToArray();
        lock (_lock)
        {
            UnitsWritten++;
            switch (unit.Kind)
            {
                case PsUnitKind.StreamMap:
                    _streamMap = bytes;
                    _headersSinceVideo.Add(bytes);
                    break;
                case PsUnitKind.Header:
                    _headersSinceVideo.Add(bytes);
                    break;
                case PsUnitKind.Video when unit.Key:
                    // A new group of pictures starts with the headers of its pack.
                    _gop.Clear();
                    _gopBytes = 0;
                    Keep(_headersSinceVideo);
                    Keep([bytes]);
                    _headersSinceVideo.Clear();
                    break;
                default:
                    Keep(_headersSinceVideo);
                    Keep([bytes]);
                    _headersSinceVideo.Clear();
                    break;
            }

            for (var i = _readers.Count - 1; i >= 0; i--)
            {
                if (!_readers[i].Writer.TryWrite(bytes))
                {
                    SlowReaders++;
                    _readers[i].Writer.TryComplete(new TimeoutException("reader fell behind"));
                    _readers.RemoveAt(i);
                }
            }
        }
    }

    private void Keep(List<byte[]> units)
    {
        foreach (var unit in units)
        {
            _gopBytes += unit.Length;
            _gop.Add(unit);
        }

        if (_gopBytes > MaxGopBytes)
        {
            // Should be rare: no parameter set for 8 MB. Keep nothing rather than grow; new readers start live.
            _gop.Clear();
            _gopBytes = 0;
        }
    }
}
