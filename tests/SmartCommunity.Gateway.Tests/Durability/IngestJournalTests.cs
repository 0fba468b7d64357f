using System.Text;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Ingest.Journal;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.Tests.Durability;

public sealed class IngestJournalTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("sc-journal-");

    private static JournalRecord Record(int i) =>
        new(MessageClass.Event, "door-" + i, 1_700_000_000_000 + i, Encoding.UTF8.GetBytes($$"""{"v":1,"seq":{{i}}}"""));

    [Fact]
    public async Task AnAppendedRecordIsOnDiskWhenItsCommitCompletesAndIsReadBackWhole()
    {
        using (var journal = new IngestJournal(_directory.FullName, new MetricsRegistry()))
        {
            var commits = Enumerable.Range(1, 100).Select(i => journal.Append(Record(i)).Durable).ToList();
            await Task.WhenAll(commits);
        }

        var records = ReadAll(out var damaged);
        Assert.False(damaged);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => "door-" + i), records.Select(r => r.Owner));
        Assert.Equal("""{"v":1,"seq":42}""", Encoding.UTF8.GetString(records[41].Payload.Span));
        Assert.Equal(1_700_000_000_042, records[41].ReceivedUnixMs);
    }

    [Fact]
    public async Task ATornTailAndACorruptedRecordEndTheReadWithoutLosingTheRecordsBefore()
    {
        using (var journal = new IngestJournal(_directory.FullName, new MetricsRegistry()))
        {
            await Task.WhenAll(Enumerable.Range(1, 10).Select(i => journal.Append(Record(i)).Durable));
        }

        var path = Directory.GetFiles(_directory.FullName, "*.journal").Single(f => new FileInfo(f).Length > 0);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^5]); // a crash in the middle of the last write
        Assert.Equal(9, ReadAll(out var torn).Count);
        Assert.True(torn);

        bytes[bytes.Length / 2] ^= 0xFF; // a flipped bit in the middle record
        File.WriteAllBytes(path, bytes);
        var read = ReadAll(out var corrupt);
        Assert.True(corrupt);
        Assert.InRange(read.Count, 3, 6);
        Assert.Equal(Enumerable.Range(1, read.Count).Select(i => "door-" + i), read.Select(r => r.Owner));
    }

    [Fact]
    public async Task RotationSealsTheSegmentWhichDrainsOnlyWhenEveryRecordIsProcessed()
    {
        using var journal = new IngestJournal(_directory.FullName, new MetricsRegistry());
        var appended = Enumerable.Range(1, 5).Select(i => journal.Append(Record(i))).ToList();
        await Task.WhenAll(appended.Select(a => a.Durable));
        var sealedSegment = await journal.RotateAsync();
        Assert.Same(appended[0].Segment, sealedSegment);

        var later = journal.Append(Record(6));
        Assert.NotSame(sealedSegment, later.Segment);
        await later.Durable;

        foreach (var (_, segment) in appended.Take(4))
        {
            segment.Processed();
        }

        Assert.False(sealedSegment.Drained.IsCompleted);
        appended[4].Segment.Processed();
        await sealedSegment.Drained.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task SegmentsLeftByACrashAreFoundAtTheNextStartOldestFirst()
    {
        using (var first = new IngestJournal(_directory.FullName, new MetricsRegistry()))
        {
            await first.Append(Record(1)).Durable;
            await first.RotateAsync();
            await first.Append(Record(2)).Durable;
        }

        using var second = new IngestJournal(_directory.FullName, new MetricsRegistry());
        Assert.Equal(2, second.Leftover.Count(p => new FileInfo(p).Length > 0));
        var owners = second.Leftover.SelectMany(p =>
        {
            using var file = File.OpenRead(p);
            return JournalRecord.ReadAll(file, out _);
        }).Select(r => r.Owner);
        Assert.Equal(["door-1", "door-2"], owners);
    }

    [Fact]
    public void AnAppendAfterTheJournalStoppedIsRefusedNotLeftWaiting()
    {
        var journal = new IngestJournal(_directory.FullName, new MetricsRegistry());
        journal.Dispose();
        Assert.Throws<ObjectDisposedException>(() => journal.Append(Record(1)));
    }

    private List<JournalRecord> ReadAll(out bool damaged)
    {
        damaged = false;
        var all = new List<JournalRecord>();
        foreach (var path in Directory.GetFiles(_directory.FullName, "*.journal").Order(StringComparer.Ordinal))
        {
            using var file = File.OpenRead(path);
            all.AddRange(JournalRecord.ReadAll(file, out var d));
            damaged |= d;
        }

        return all;
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
