using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using OpenCvSharp;
using SmartCommunity.Vision.Frames;
using SmartCommunity.Vision.Sources;
using SmartCommunity.Vision.Tests.Support;

namespace SmartCommunity.Vision.Tests.Sources;

public sealed class FfmpegFrameSourceTests(TestClips clips) : IClassFixture<TestClips>
{
    [Fact]
    public async Task AFourSecondTestsrcFileYields20GreyFramesAt5FpsWithThePatternInThem()
    {
        var file = clips.TestSource(seconds: 4);
        var source = new FfmpegFrameSource(new FrameSourceOptions { Url = file });
        using var pool = new FramePool(640, 360, FramePixelFormat.Gray);
        var sequences = new List<long>();
        double contrast = 0;
        await foreach (var frame in source.ReadFramesAsync(pool, CancellationToken.None))
        {
            sequences.Add(frame.Sequence);
            Cv2.MeanStdDev(frame.Luma, out _, out var stddev);
            contrast = Math.Max(contrast, stddev.Val0);
            frame.Release();
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), sequences);
        Assert.True(contrast > 20, "testsrc's colour bars must show up in the luma plane");
        Assert.Equal(FrameSourceStopReason.EndOfStream, source.LastStop!.Reason);
        Assert.InRange(pool.Created, 1, 3); // Frames are reused, not allocated per frame.
    }

    [Fact]
    public async Task Yuv420pFramesCarryTheLumaPlaneFirst()
    {
        var file = clips.TestSource(seconds: 1, name: "yuv.mp4");
        var source = new FfmpegFrameSource(new FrameSourceOptions { Url = file, PixelFormat = FramePixelFormat.Yuv420P });
        using var pool = new FramePool(640, 360, FramePixelFormat.Yuv420P);
        var count = 0;
        await foreach (var frame in source.ReadFramesAsync(pool, CancellationToken.None))
        {
            Assert.Equal(640 * 360 * 3 / 2, frame.ByteCount);
            Assert.Equal(new Size(640, 360), frame.Luma.Size());
            count++;
            frame.Release();
        }

        Assert.Equal(5, count);
    }

    [Fact]
    public async Task ATruncatedMp4FailsWithFfmpegsReasonInsteadOfCrashing()
    {
        var whole = clips.TestSource(seconds: 2, name: "whole.mp4");
        var truncated = clips.PathOf("truncated.mp4");
        var bytes = await File.ReadAllBytesAsync(whole);
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length / 2)]); // The moov atom is at the end.

        var stop = await ReadUntilFailure(truncated);
        Assert.Equal(FrameSourceStopReason.Failed, stop.Reason);
        Assert.Contains("moov atom not found", stop.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileOfGarbageFailsWithAClearError()
    {
        var garbage = clips.PathOf("garbage.mp4");
        await File.WriteAllBytesAsync(garbage, Enumerable.Range(0, 50_000).Select(i => (byte)(i * 7919 % 251)).ToArray());
        var stop = await ReadUntilFailure(garbage);
        Assert.Equal(FrameSourceStopReason.Failed, stop.Reason);
        Assert.Contains("Invalid data", stop.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANonexistentFileFailsWithAClearError()
    {
        var stop = await ReadUntilFailure(clips.PathOf("no-such-file.mp4"));
        Assert.Equal(FrameSourceStopReason.Failed, stop.Reason);
        Assert.Contains("No such file", stop.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableRtspCameraFailsWithAClearErrorAndThePasswordStaysOutOfLogs()
    {
        var logger = new ListLogger<FfmpegFrameSource>();
        var stop = await ReadUntilFailure("rtsp://admin:s3cret@127.0.0.1:1/sub", logger);
        Assert.Equal(FrameSourceStopReason.Failed, stop.Reason);
        Assert.Contains("Connection refused", stop.Detail, StringComparison.Ordinal);
        Assert.Contains(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Debug && e.Message.Contains("rtsp://admin:***@127.0.0.1:1/sub", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMissingFfmpegBinaryIsReportedAsSuch()
    {
        var source = new FfmpegFrameSource(new FrameSourceOptions { Url = "x.mp4", FfmpegPath = "/nonexistent/ffmpeg" });
        using var pool = new FramePool(640, 360, FramePixelFormat.Gray);
        var ex = await Assert.ThrowsAsync<FrameSourceException>(async () =>
        {
            await foreach (var frame in source.ReadFramesAsync(pool, CancellationToken.None))
            {
                frame.Release();
            }
        });
        Assert.Equal(FrameSourceStopReason.DecoderMissing, ex.Stop.Reason);
    }

    [Fact]
    public async Task ASourceThatNeverSendsAFrameIsKilledAtTheStartTimeout()
    {
        // A FIFO nobody writes to: ffmpeg blocks opening it, like a camera that accepts and then says nothing.
        var fifo = clips.PathOf("silent.fifo");
        using (var mk = Process.Start("mkfifo", fifo))
        {
            await mk.WaitForExitAsync();
        }

        var time = new FakeTimeProvider();
        var source = new FfmpegFrameSource(new FrameSourceOptions { Url = fifo, StartTimeout = TimeSpan.FromSeconds(20) }, time);
        using var pool = new FramePool(640, 360, FramePixelFormat.Gray);
        await using var frames = source.ReadFramesAsync(pool, CancellationToken.None).GetAsyncEnumerator();
        var first = frames.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(19));
        Assert.False(first.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var ex = await Assert.ThrowsAsync<FrameSourceException>(() => first);
        Assert.Equal(FrameSourceStopReason.StartTimeout, ex.Stop.Reason);
    }

    [Fact]
    public async Task StoppingEarlyKillsFfmpegAndRecordsCancelled()
    {
        var file = clips.TestSource(seconds: 4, name: "early.mp4");
        var source = new FfmpegFrameSource(new FrameSourceOptions { Url = file });
        using var pool = new FramePool(640, 360, FramePixelFormat.Gray);
        await foreach (var frame in source.ReadFramesAsync(pool, CancellationToken.None))
        {
            frame.Release();
            break;
        }

        Assert.Equal(FrameSourceStopReason.Cancelled, source.LastStop!.Reason);
    }

    private static async Task<FrameSourceStop> ReadUntilFailure(string url, Microsoft.Extensions.Logging.ILogger<FfmpegFrameSource>? logger = null)
    {
        var source = new FfmpegFrameSource(new FrameSourceOptions { Url = url }, logger: logger);
        using var pool = new FramePool(640, 360, FramePixelFormat.Gray);
        var ex = await Assert.ThrowsAsync<FrameSourceException>(async () =>
        {
            await foreach (var frame in source.ReadFramesAsync(pool, CancellationToken.None))
            {
                frame.Release();
            }
        });
        Assert.Same(source.LastStop, ex.Stop);
        return ex.Stop;
    }
}
