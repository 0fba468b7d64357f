using SmartCommunity.Media.Probing;
using SmartCommunity.Media.Tests.Support;

namespace SmartCommunity.Media.Tests.Probing;

/// <summary>ffprobe's JSON as ffprobe 5.1 wrote it for a recorded segment, a live RTSP stream, and bad inputs.</summary>
public sealed class MediaProbeTests
{
    [Fact]
    public void ARecordedSegmentReadsAsH264WithItsSizeRateAndLength()
    {
        var (probe, error) = MediaProbe.Parse(Captured.Bytes("ffprobe-segment-h264.json"));
        Assert.Null(error);
        Assert.NotNull(probe);
        Assert.Equal("h264", probe.Codec);
        Assert.Equal((320, 240), (probe.Width, probe.Height));
        Assert.Equal(10, probe.Fps);
        Assert.Equal(TimeSpan.FromSeconds(2.9), probe.Duration);
        Assert.Equal(101, probe.BitrateKbps); // The stream states none; the container's 101 649 bit/s.
    }

    [Fact]
    public void ALiveRtspStreamReadThroughTheInputListHasNoLength()
    {
        var (probe, error) = MediaProbe.Parse(Captured.Bytes("ffprobe-rtsp-stream.json"));
        Assert.Null(error);
        Assert.NotNull(probe);
        Assert.Equal(("h264", 320, 240), (probe.Codec, probe.Width, probe.Height));
        Assert.Equal(10, probe.Fps);
        Assert.Null(probe.Duration);
    }

    [Fact]
    public void AFileWithoutVideoIsReportedAsSuch()
    {
        var (probe, error) = MediaProbe.Parse(Captured.Bytes("ffprobe-audio-only.json"));
        Assert.Null(probe);
        Assert.Equal("no video stream", error);
    }

    [Theory]
    [InlineData("ffprobe-garbage.json")]
    [InlineData("ffprobe-garbage.stderr.txt")]
    public void OutputThatIsNotAProbeGivesAnErrorNotAnException(string name)
    {
        var (probe, error) = MediaProbe.Parse(Captured.Bytes(name));
        Assert.Null(probe);
        Assert.False(string.IsNullOrEmpty(error));
    }
}
