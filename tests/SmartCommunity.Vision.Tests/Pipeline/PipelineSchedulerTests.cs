using SmartCommunity.Vision.Pipeline;
using SmartCommunity.Vision.Sources;
using SmartCommunity.Vision.Tests.Support;

namespace SmartCommunity.Vision.Tests.Pipeline;

public sealed class PipelineSchedulerTests(TestClips clips) : IClassFixture<TestClips>
{
    [Fact]
    public async Task ThreeCamerasDecodedByFfmpegAreAnalysedInParallelAndEveryFrameIsAccountedFor()
    {
        var file = clips.TestSource(seconds: 4, name: "sched.mp4");
        var pipelines = Enumerable.Range(1, 3)
            .Select(i => new CameraPipeline(
                new CameraPipelineOptions { CameraId = $"cam-{i}", RestartAtEndOfStream = false },
                new FfmpegFrameSource(new FrameSourceOptions { Url = file })))
            .ToList();
        try
        {
            using var cts = new CancellationTokenSource();
            var scheduler = new PipelineScheduler(workers: 2);
            pipelines.ForEach(scheduler.Attach);
            var workers = scheduler.RunAsync(cts.Token);
            var sources = pipelines.Select(p => p.RunSourceAsync(cts.Token)).ToList();
            await Task.WhenAll(pipelines.Select(p => p.Completion)).WaitAsync(TimeSpan.FromSeconds(60));
            await Task.WhenAll(sources);
            await cts.CancelAsync();
            await workers;

            foreach (var p in pipelines)
            {
                var c = p.Counters;
                Assert.Equal(20, c.FramesDecoded);
                Assert.Equal(c.FramesDecoded, c.FramesAnalysed + c.FramesDropped);
                Assert.True(c.FramesAnalysed >= 2);
                Assert.Equal(0, c.SourceRestarts);
                Assert.Equal(FrameSourceStopReason.EndOfStream, p.LastSourceStop!.Reason);
                Assert.NotNull(p.SnapshotJpeg());
            }
        }
        finally
        {
            pipelines.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public async Task ACameraThatCannotBeReachedIsRetriedWithBackoffAndCountedWithoutCrashing()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var pipeline = new CameraPipeline(
            new CameraPipelineOptions { CameraId = "cam-x", RestartDelay = TimeSpan.FromSeconds(2) },
            new FfmpegFrameSource(new FrameSourceOptions { Url = clips.PathOf("missing.mp4") }),
            time: time);
        var stops = System.Threading.Channels.Channel.CreateUnbounded<FrameSourceStop>();
        pipeline.SourceStopped += (_, stop) => stops.Writer.TryWrite(stop);
        using var cts = new CancellationTokenSource();
        var run = pipeline.RunSourceAsync(cts.Token);

        // Each failure waits on the fake clock; advancing it lets exactly one more attempt start.
        var first = await stops.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("No such file", first.Detail, StringComparison.Ordinal);
        Assert.Equal(1, pipeline.Counters.SourceRestarts);
        time.Advance(TimeSpan.FromSeconds(2));
        await stops.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, pipeline.Counters.SourceRestarts);
        Assert.Equal(FrameSourceStopReason.Failed, pipeline.LastSourceStop!.Reason);
        await cts.CancelAsync();
        await run;
        Assert.Equal(0, pipeline.Counters.FramesDecoded);
    }
}
