using SmartCommunity.Vision.Frames;
using SmartCommunity.Vision.Sources;
using SmartCommunity.Vision.Tests.Support;

namespace SmartCommunity.Vision.Tests.Sources;

public sealed class OpenCvFrameSourceTests(TestClips clips) : IClassFixture<TestClips>
{
    [Fact]
    public async Task TheVideoCaptureAlternativeAlsoYields20FramesFromAFourSecondFile()
    {
        var file = clips.TestSource(seconds: 4, name: "cv.mp4");
        var source = new OpenCvFrameSource(new FrameSourceOptions { Url = file });
        using var pool = new FramePool(640, 360, FramePixelFormat.Gray);
        var count = 0;
        await foreach (var frame in source.ReadFramesAsync(pool, CancellationToken.None))
        {
            Assert.Equal(count++, frame.Sequence);
            frame.Release();
        }

        Assert.Equal(20, count);
        Assert.Equal(FrameSourceStopReason.EndOfStream, source.LastStop!.Reason);
    }

    [Fact]
    public async Task TheVideoCaptureAlternativeReportsAMissingFileAsAFailure()
    {
        var source = new OpenCvFrameSource(new FrameSourceOptions { Url = clips.PathOf("absent.mp4") });
        using var pool = new FramePool(640, 360, FramePixelFormat.Gray);
        var ex = await Assert.ThrowsAsync<FrameSourceException>(async () =>
        {
            await foreach (var frame in source.ReadFramesAsync(pool, CancellationToken.None))
            {
                frame.Release();
            }
        });
        Assert.Equal(FrameSourceStopReason.Failed, ex.Stop.Reason);
    }
}
