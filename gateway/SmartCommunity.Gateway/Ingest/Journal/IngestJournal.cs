using System.Globalization;
using SmartCommunity.Gateway.Infrastructure.Metrics;

namespace SmartCommunity.Gateway.Ingest.Journal;

/// <summary>
/// The ingest journal: every reliable message (event, status, command ack, person ack) is appended here and
/// fsynced before the broker acknowledges it, so "acknowledged" means "on disk". Appends from all connections
/// are grouped: one writer thread writes whatever has queued since its last fsync, fsyncs once, and releases
/// every publisher of that group (group commit), so durability costs a batch, not a message.
/// Records live in numbered segment files; <see cref="IngestCheckpointer"/> rotates to a new segment and deletes
/// an old one once the features have committed its effects. At start, segments left by a crash are replayed.
/// </summary>
public sealed class IngestJournal : IDisposable
{
    private const string Extension = ".journal";

    /// <summary>A segment checkpointed at a clean stop, kept only to recognise repeats after the restart.</summary>
    internal const string AppliedExtension = ".applied";

    private readonly object _lock = new();
    private readonly string _directory;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Counter _commits;
    private readonly Counter _records;
    private readonly Counter _failures;
    private readonly Thread _writer;
    private List<JournalRecord> _pending = [];
    private TaskCompletionSource _group = NewGroup();
    private JournalSegment _current;
    private FileStream _stream;
    private TaskCompletionSource<JournalSegment>? _rotation;
    private volatile bool _stopping;
    private volatile string? _fault;

    public IngestJournal(string directory, MetricsRegistry metrics)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
        Leftover = [.. Directory.EnumerateFiles(directory, "*" + Extension).Select(path => (Id: ParseId(path), Path: path))
            .Where(s => s.Id >= 0).OrderBy(s => s.Id).Select(s => s.Path)];
        Applied = [.. Directory.EnumerateFiles(directory, "*" + AppliedExtension).Order(StringComparer.Ordinal)];
        var next = Leftover.Count == 0 ? 1 : ParseId(Leftover[^1]) + 1;
        if (Applied.Count > 0)
        {
            next = Math.Max(next, ParseId(Applied[^1]) + 1);
        }

        _current = new JournalSegment(next, SegmentPath(next));
        _stream = Open(_current.Path);
        _commits = metrics.Counter("sc_ingest_journal_commits_total", "Group commits (one write and fsync each) of the ingest journal.");
        _records = metrics.Counter("sc_ingest_journal_records_total", "Reliable messages made durable in the ingest journal before their acknowledgement.");
        _failures = metrics.Counter("sc_ingest_journal_failures_total", "Journal writes that failed; their publishers were refused, not acknowledged.");
        metrics.Gauge("sc_ingest_journal_segments", "Journal segments on disk that are not yet checkpointed.", () => Directory.EnumerateFiles(_directory, "*" + Extension).Count());
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "ingest-journal" };
        _writer.Start();
    }

    /// <summary>Segment files found at start, oldest first: a crash left them, and they are replayed.</summary>
    internal IReadOnlyList<string> Leftover { get; }

    /// <summary>True while records a crash left are being processed again (features may see repeats).</summary>
    public bool Replaying { get; internal set; }

    /// <summary>Segments a clean stop checkpointed and kept: their records were applied, and only warm the sequence windows.</summary>
    internal IReadOnlyList<string> Applied { get; }

    /// <summary>Null while healthy; otherwise why the journal cannot write (reported by /health).</summary>
    public string? Fault => _fault;

    /// <summary>
    /// Queues a record for the next group commit. The task completes when it is fsynced (or faults when the
    /// write failed); the segment is where the record is counted until an ingest worker has processed it.
    /// Appends are ordered: a device's records reach disk in the order it published them.
    /// </summary>
    internal (Task Durable, JournalSegment Segment) Append(in JournalRecord record)
    {
        if (_stopping)
        {
            throw new ObjectDisposedException(nameof(IngestJournal), "The ingest journal is stopping.");
        }

        bool first;
        Task durable;
        JournalSegment segment;
        lock (_lock)
        {
            _pending.Add(record);
            first = _pending.Count == 1;
            durable = _group.Task;
            segment = _current;
            segment.Added();
        }

        if (first)
        {
            _wake.Release();
        }

        return (durable, segment);
    }

    /// <summary>Records appended to the segment being written now.</summary>
    internal long CurrentAppended
    {
        get
        {
            lock (_lock)
            {
                return _current.Appended;
            }
        }
    }

    /// <summary>
    /// Seals the segment being written and starts the next one. Completes with the sealed segment once it is
    /// written, fsynced and closed.
    /// </summary>
    internal Task<JournalSegment> RotateAsync()
    {
        var rotation = new TaskCompletionSource<JournalSegment>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_rotation is not null)
            {
                return _rotation.Task;
            }

            _rotation = rotation;
        }

        _wake.Release();
        return rotation.Task;
    }

    /// <summary>Segment files on disk other than the one being written (sealed, not yet checkpointed).</summary>
    internal IEnumerable<string> SealedSegmentPaths()
    {
        string current;
        lock (_lock)
        {
            current = _current.Path;
        }

        return [.. Directory.EnumerateFiles(_directory, "*" + Extension).Where(p => p != current && !Leftover.Contains(p))];
    }

    /// <summary>Deletes a segment whose every record has been applied and committed by the features.</summary>
    internal static void Delete(string path) => File.Delete(path);

    private void WriteLoop()
    {
        var spare = new List<JournalRecord>();
        while (true)
        {
            _wake.Wait();
            List<JournalRecord> batch;
            TaskCompletionSource group;
            TaskCompletionSource<JournalSegment>? rotation;
            JournalSegment written;
            lock (_lock)
            {
                batch = _pending;
                _pending = spare;
                group = _group;
                _group = NewGroup();
                rotation = _rotation;
                _rotation = null;
                written = _current;
                if (rotation is not null)
                {
                    _current = new JournalSegment(written.Id + 1, SegmentPath(written.Id + 1));
                    written.Seal();
                }
            }

            Commit(batch, group);
            batch.Clear();
            spare = batch;
            if (rotation is not null)
            {
                Rotate(written, rotation);
            }

            if (_stopping)
            {
                lock (_lock)
                {
                    if (_pending.Count == 0)
                    {
                        // A publisher that raced the stop is refused, never left waiting.
                        _group.TrySetException(new ObjectDisposedException(nameof(IngestJournal), "The ingest journal stopped."));
                        return;
                    }
                }
            }
        }
    }

    private void Commit(List<JournalRecord> batch, TaskCompletionSource group)
    {
        if (batch.Count == 0)
        {
            group.TrySetResult();
            return;
        }

        try
        {
            foreach (var record in batch)
            {
                record.WriteTo(_stream);
            }

            _stream.Flush(flushToDisk: true);
            _commits.Inc();
            _records.Add(batch.Count);
            _fault = null;
            group.TrySetResult();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // Should be rare (disk full, disk gone): the publishers are refused, so nothing unsaved is acknowledged.
            _failures.Add(batch.Count);
            _fault = "ingest journal: " + ex.Message;
            group.TrySetException(ex);
        }
    }

    private void Rotate(JournalSegment sealedSegment, TaskCompletionSource<JournalSegment> rotation)
    {
        try
        {
            _stream.Dispose();
            _stream = Open(_current.Path);
            rotation.TrySetResult(sealedSegment);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _fault = "ingest journal: " + ex.Message;
            rotation.TrySetException(ex);
        }
    }

    private static TaskCompletionSource NewGroup() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private string SegmentPath(long id) => Path.Combine(_directory, id.ToString("D12", CultureInfo.InvariantCulture) + Extension);

    private static long ParseId(string path) =>
        long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1;

    private static FileStream Open(string path) =>
        new(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 64 * 1024, FileOptions.None);

    /// <summary>Writes and fsyncs what is queued, then stops the writer. Later appends throw.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        _wake.Release();
        _writer.Join();
        _stream.Dispose();
        _wake.Dispose();
    }
}
