using System.Globalization;
using SmartCommunity.TimeSeries.LineProtocol;
using SmartCommunity.TimeSeries.Points;

namespace SmartCommunity.TimeSeries.Spool;

/// <summary>One spool file: one batch of line protocol, written once and deleted once the server has answered for it.</summary>
internal sealed record SpoolSegment(long Sequence, Durability Durability, int Lines, long Bytes, string Path);

internal enum SpoolAppendResult
{
    Appended,

    /// <summary>Telemetry that did not fit even after every older telemetry file was evicted: dropped by the caller, counted.</summary>
    RefusedTelemetry,

    /// <summary>Durable data that did not fit because only durable data remains: the caller keeps it in memory.</summary>
    NoRoomForDurable,
}

/// <summary>
/// A bounded folder of batches waiting for InfluxDB, oldest first. File names carry order, size and class
/// (<c>0000000000000042-5000-t.lp</c>: sequence, lines, t = telemetry / d = durable), so a restart needs only a
/// directory listing. Each file is written under a <c>.tmp</c> name and renamed when complete, so a crash leaves
/// either a whole batch or nothing. The files are plain line protocol: an operator can replay one with curl.
/// Used by the writer's single loop only; not thread-safe, except the gauges.
/// </summary>
internal sealed class DiskSpool : IDisposable
{
    private const string LockFileName = "spool.lock";

    /// <summary>
    /// No segment the writer makes is larger than one batch (8 MiB); a bigger file in the folder is not ours (or is
    /// damaged) and would not fit one request, nor an int, so it is set aside at load instead of replayed.
    /// </summary>
    internal const long MaxSegmentBytes = 64L * 1024 * 1024;

    private readonly string _directory;
    private readonly long _limitBytes;
    private readonly bool _fsyncDurable;
    private readonly LinkedList<SpoolSegment> _segments = new();
    private long _nextSequence;
    private long _bytes;
    private long _points;
    private int _files;
    private int _damaged;
    private readonly FileStream _lock;

    public DiskSpool(string directory, long limitBytes, bool fsyncDurable)
    {
        _directory = directory;
        _limitBytes = limitBytes;
        _fsyncDurable = fsyncDurable;
        Directory.CreateDirectory(directory);
        try
        {
            // Two writers replaying one folder would send every batch twice; the OS lock dies with the process.
            _lock = new FileStream(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"The spool folder {directory} is in use by another writer; give each writer its own SpoolDirectory.", ex);
        }

        Load();
    }

    public void Dispose() => _lock.Dispose();

    public long Bytes => Volatile.Read(ref _bytes);

    public long Points => Volatile.Read(ref _points);

    public int Files => Volatile.Read(ref _files);

    public bool IsEmpty => _segments.Count == 0;

    public long LimitBytes => _limitBytes;

    /// <summary>
    /// Writes a batch as a new file, evicting the oldest telemetry files first if it would not fit (their line count
    /// comes back in <paramref name="evictedLines"/>). <paramref name="force"/> writes even over the limit: shutdown
    /// with durable data that must not be lost.
    /// </summary>
    public SpoolAppendResult Append(ReadOnlySpan<byte> batch, int lines, Durability durability, bool force, out int evictedLines)
    {
        evictedLines = 0;
        while (!force && _bytes + batch.Length > _limitBytes && OldestTelemetry() is { } victim)
        {
            Delete(victim);
            evictedLines += victim.Lines;
        }

        // A durable batch larger than the whole spool still goes in when the spool is empty; otherwise it could never be written.
        var fits = _bytes + batch.Length <= _limitBytes || (IsEmpty && durability == Durability.Durable);
        if (!force && !fits)
        {
            return durability == Durability.Telemetry ? SpoolAppendResult.RefusedTelemetry : SpoolAppendResult.NoRoomForDurable;
        }

        var sequence = _nextSequence++;
        var name = string.Create(CultureInfo.InvariantCulture, $"{sequence:D16}-{lines}-{(durability == Durability.Durable ? 'd' : 't')}.lp");
        var path = Path.Combine(_directory, name);
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            file.Write(batch);
            file.Flush(flushToDisk: durability == Durability.Durable && _fsyncDurable);
        }

        File.Move(temp, path);
        Add(new SpoolSegment(sequence, durability, lines, batch.Length, path));
        return SpoolAppendResult.Appended;
    }

    /// <summary>The oldest files of one class, in order, up to the limits (at least one file), for one request.</summary>
    public List<SpoolSegment> PeekBatch(int maxLines, long maxBytes)
    {
        var result = new List<SpoolSegment>();
        var lines = 0;
        var bytes = 0L;
        for (var node = _segments.First; node is not null; node = node.Next)
        {
            var s = node.Value;
            if (result.Count > 0 && (s.Durability != result[0].Durability || lines + s.Lines > maxLines || bytes + s.Bytes > maxBytes))
            {
                break;
            }

            result.Add(s);
            lines += s.Lines;
            bytes += s.Bytes;
        }

        return result;
    }

    /// <summary>
    /// Reads the files into <paramref name="output"/> and returns those read. A file that vanished, is unreadable or
    /// no longer has the size it was written with (someone edited or truncated it) is set aside as
    /// <c>*.lp.damaged</c> for the operator, never sent, and its line count comes back in
    /// <paramref name="lostLines"/>; the good files of the same batch still go.
    /// </summary>
    public List<SpoolSegment> ReadInto(IReadOnlyList<SpoolSegment> segments, PooledBufferWriter output, out int lostLines)
    {
        lostLines = 0;
        var read = new List<SpoolSegment>(segments.Count);
        foreach (var s in segments)
        {
            try
            {
                using var file = new FileStream(s.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
                if (file.Length != s.Bytes)
                {
                    throw new IOException($"The spool file {s.Path} has {file.Length} bytes, not the {s.Bytes} it was written with.");
                }

                var length = (int)s.Bytes; // at most MaxSegmentBytes: checked when written and when loaded
                var span = output.GetSpan(length)[..length];
                file.ReadExactly(span);
                output.Advance(length);
                read.Add(s);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                lostLines += s.Lines;
                SetAside(s);
                LastDamage = ex.Message;
            }
        }

        return read;
    }

    /// <summary>Why the last file was set aside, for the writer's log (null when none was).</summary>
    public string? LastDamage { get; private set; }

    /// <summary>Files set aside as damaged since start (at load or when read).</summary>
    public int DamagedFiles => Volatile.Read(ref _damaged);

    /// <summary>Deletes files the server has answered for.</summary>
    public void Remove(IReadOnlyList<SpoolSegment> segments)
    {
        foreach (var s in segments)
        {
            Delete(s);
        }
    }

    private SpoolSegment? OldestTelemetry()
    {
        for (var node = _segments.First; node is not null; node = node.Next)
        {
            if (node.Value.Durability == Durability.Telemetry)
            {
                return node.Value;
            }
        }

        return null;
    }

    private void Add(SpoolSegment s)
    {
        _segments.AddLast(s);
        Interlocked.Add(ref _bytes, s.Bytes);
        Interlocked.Add(ref _points, s.Lines);
        Interlocked.Increment(ref _files);
    }

    /// <summary>Renames a damaged file out of the replay's way (kept for the operator) and forgets it.</summary>
    private void SetAside(SpoolSegment s)
    {
        Interlocked.Increment(ref _damaged);
        if (_segments.Remove(s))
        {
            Interlocked.Add(ref _bytes, -s.Bytes);
            Interlocked.Add(ref _points, -s.Lines);
            Interlocked.Decrement(ref _files);
        }

        try
        {
            File.Move(s.Path, s.Path + ".damaged", overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Already gone, or not ours to move: either way it is no longer replayed.
        }
    }

    private void Delete(SpoolSegment s)
    {
        File.Delete(s.Path);
        _segments.Remove(s);
        Interlocked.Add(ref _bytes, -s.Bytes);
        Interlocked.Add(ref _points, -s.Lines);
        Interlocked.Decrement(ref _files);
    }

    private void Load()
    {
        foreach (var temp in Directory.EnumerateFiles(_directory, "*.lp.tmp"))
        {
            // A batch that was being written when the process died; its points were still in memory, not acknowledged.
            File.Delete(temp);
        }

        var found = new List<SpoolSegment>();
        foreach (var path in Directory.EnumerateFiles(_directory, "*.lp"))
        {
            var parts = Path.GetFileNameWithoutExtension(path).Split('-');
            if (parts.Length == 3
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var lines)
                && parts[2] is "t" or "d")
            {
                var segment = new SpoolSegment(seq, parts[2] == "d" ? Durability.Durable : Durability.Telemetry, lines, new FileInfo(path).Length, path);
                if (segment.Bytes > MaxSegmentBytes)
                {
                    SetAside(segment);
                    LastDamage = $"The spool file {path} has {segment.Bytes} bytes, more than any batch ({MaxSegmentBytes}).";
                    continue;
                }

                found.Add(segment);
            }
        }

        found.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        foreach (var s in found)
        {
            Add(s);
        }

        _nextSequence = found.Count == 0 ? 0 : found[^1].Sequence + 1;
    }
}
