using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCommunity.EdgeAgent.Queue;
using SmartCommunity.EdgeAgent.Tests.Support;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.EdgeAgent.Tests.Queue;

public sealed class DiskOutboxTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private DiskOutbox Open(QueueOptions? options = null) =>
        DiskOutbox.Open(_dir.Path, options ?? new QueueOptions(), NullLogger.Instance);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static List<string> Drain(DiskOutbox outbox)
    {
        var seen = new List<string>();
        while (outbox.Peek() is { } message)
        {
            seen.Add(Encoding.UTF8.GetString(message.Payload));
            outbox.Complete(message.Index);
        }

        return seen;
    }

    [Fact]
    public void MessagesComeBackInTheOrderTheyWereStored()
    {
        using var outbox = Open();
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(EnqueueResult.Stored, outbox.Enqueue(i % 3 == 0 ? MessageClass.Event : MessageClass.Telemetry, Bytes($"m{i}")));
        }

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"m{i}"), Drain(outbox));
        Assert.Equal(0, outbox.Counters.Pending);
    }

    [Fact]
    public void UndeliveredMessagesSurviveReopeningAndDeliveredOnesDoNotComeBack()
    {
        using (var outbox = Open())
        {
            for (var i = 0; i < 10; i++)
            {
                outbox.Enqueue(MessageClass.Event, Bytes($"m{i}"));
            }

            for (var i = 0; i < 4; i++)
            {
                outbox.Complete(outbox.Peek()!.Index);
            }
        }

        using var reopened = Open();
        Assert.Equal(6, reopened.Counters.Pending);
        reopened.Enqueue(MessageClass.Event, Bytes("m10"));
        Assert.Equal(Enumerable.Range(4, 7).Select(i => $"m{i}"), Drain(reopened));
    }

    [Fact]
    public void IndexesKeepGrowingAcrossReopeningsEvenWhenEverythingWasDelivered()
    {
        long last;
        using (var outbox = Open())
        {
            outbox.Enqueue(MessageClass.Event, Bytes("a"));
            outbox.Enqueue(MessageClass.Event, Bytes("b"));
            last = outbox.NextIndex;
            Drain(outbox);
        }

        using var reopened = Open();
        Assert.Equal(last, reopened.NextIndex);
        Assert.Null(reopened.Peek());
    }

    [Fact]
    public void WhenFullTheOldestTelemetryIsDroppedAndCountedWhileEventsAreKept()
    {
        using var outbox = Open(new QueueOptions { MaxMessages = 10 });
        outbox.Enqueue(MessageClass.Event, Bytes("e0"));
        for (var i = 0; i < 9; i++)
        {
            outbox.Enqueue(MessageClass.Telemetry, Bytes($"t{i}"));
        }

        outbox.Enqueue(MessageClass.Event, Bytes("e1"));
        outbox.Enqueue(MessageClass.Telemetry, Bytes("t9"));

        Assert.Equal(2, outbox.Counters.DroppedOldestTelemetry);
        Assert.Equal(["e0", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "e1", "t9"], Drain(outbox));
    }

    [Fact]
    public void WhenFullOfEventsNewMessagesAreRefusedAndNoStoredEventIsDropped()
    {
        using var outbox = Open(new QueueOptions { MaxMessages = 10 });
        for (var i = 0; i < 10; i++)
        {
            outbox.Enqueue(i % 2 == 0 ? MessageClass.Event : MessageClass.CommandAck, Bytes($"e{i}"));
        }

        Assert.Equal(EnqueueResult.RefusedFull, outbox.Enqueue(MessageClass.Telemetry, Bytes("t")));
        Assert.Equal(EnqueueResult.RefusedFull, outbox.Enqueue(MessageClass.Event, Bytes("late")));

        var counters = outbox.Counters;
        Assert.Equal((1, 1, 0), (counters.RefusedTelemetry, counters.RefusedEvents, counters.DroppedOldestTelemetry));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"e{i}"), Drain(outbox));
    }

    [Fact]
    public void TheByteBoundAlsoDropsOldestTelemetryFirst()
    {
        using var outbox = Open(new QueueOptions { MaxBytes = 64 * 1024 });
        var big = new byte[20 * 1024];
        outbox.Enqueue(MessageClass.Telemetry, big);
        outbox.Enqueue(MessageClass.Event, big);
        outbox.Enqueue(MessageClass.Telemetry, big);
        outbox.Enqueue(MessageClass.Event, big);

        Assert.Equal(1, outbox.Counters.DroppedOldestTelemetry);
        Assert.Equal([MessageClass.Event, MessageClass.Telemetry, MessageClass.Event], DrainClasses(outbox));
    }

    [Fact]
    public void DroppedTelemetryStaysDroppedAfterReopening()
    {
        using (var outbox = Open(new QueueOptions { MaxMessages = 10 }))
        {
            for (var i = 0; i < 15; i++)
            {
                outbox.Enqueue(MessageClass.Telemetry, Bytes($"t{i}"));
            }
        }

        using var reopened = Open(new QueueOptions { MaxMessages = 10 });
        Assert.Equal(Enumerable.Range(5, 10).Select(i => $"t{i}"), Drain(reopened));
    }

    [Fact]
    public void ACorruptTailIsCutOffAndTheRecordsBeforeItAreKept()
    {
        using (var outbox = Open())
        {
            for (var i = 0; i < 5; i++)
            {
                outbox.Enqueue(MessageClass.Event, Bytes($"m{i}"));
            }
        }

        // A crash in the middle of the sixth write: a header promising more bytes than follow.
        var segment = Directory.GetFiles(_dir.Path, "*.seg").Single();
        var intact = new FileInfo(segment).Length;
        using (var file = new FileStream(segment, FileMode.Append))
        {
            file.Write([40, 0, 0, 0, 1, 2, 3, 4, 5, 6]);
        }

        using var reopened = Open();
        Assert.Equal(10, reopened.Counters.CorruptBytesTruncated);
        Assert.Equal(intact, new FileInfo(segment).Length);
        reopened.Enqueue(MessageClass.Event, Bytes("after"));
        Assert.Equal(["m0", "m1", "m2", "m3", "m4", "after"], Drain(reopened));
    }

    [Fact]
    public void ARecordWithABadChecksumEndsTheSegment()
    {
        using (var outbox = Open())
        {
            for (var i = 0; i < 3; i++)
            {
                outbox.Enqueue(MessageClass.Event, Bytes($"m{i}"));
            }
        }

        var segment = Directory.GetFiles(_dir.Path, "*.seg").Single();
        var bytes = File.ReadAllBytes(segment);
        bytes[^1] ^= 0xFF; // Flip a payload bit of the last record.
        File.WriteAllBytes(segment, bytes);

        using var reopened = Open();
        Assert.True(reopened.Counters.CorruptBytesTruncated > 0);
        Assert.Equal(["m0", "m1"], Drain(reopened));
    }

    [Fact]
    public void SegmentsAreDeletedOnceEverythingInThemIsDelivered()
    {
        using var outbox = Open(new QueueOptions { SegmentBytes = 4096 });
        for (var i = 0; i < 100; i++)
        {
            outbox.Enqueue(MessageClass.Event, new byte[200]);
        }

        Assert.True(Directory.GetFiles(_dir.Path, "*.seg").Length > 3);
        Drain(outbox);
        Assert.Single(Directory.GetFiles(_dir.Path, "*.seg"));
    }

    [Fact]
    public async Task WaitingForAMessageCompletesWhenOneIsStored()
    {
        using var outbox = Open();
        var wait = outbox.WaitForMessageAsync(CancellationToken.None);
        Assert.False(wait.IsCompleted);
        outbox.Enqueue(MessageClass.Event, Bytes("x"));
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static List<MessageClass> DrainClasses(DiskOutbox outbox)
    {
        var seen = new List<MessageClass>();
        while (outbox.Peek() is { } message)
        {
            seen.Add(message.Class);
            outbox.Complete(message.Index);
        }

        return seen;
    }
}
