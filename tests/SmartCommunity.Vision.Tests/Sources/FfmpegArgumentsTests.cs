using SmartCommunity.Media;
using SmartCommunity.Vision.Frames;
using SmartCommunity.Vision.Sources;

namespace SmartCommunity.Vision.Tests.Sources;

public sealed class FfmpegArgumentsTests
{
    [Fact]
    public void AnRtspCameraIsReadOverTcpSampledTo5FpsAnd640x360GreyRawFramesOnStdout()
    {
        var command = FfmpegArguments.Build(new FrameSourceOptions { Url = "rtsp://cam-7/sub" });
        var line = string.Join(' ', command.Arguments);
        Assert.Contains("-rtsp_transport tcp", line, StringComparison.Ordinal);
        Assert.Contains("-i rtsp://cam-7/sub", line, StringComparison.Ordinal);
        Assert.Contains("-vf fps=5,scale=640:360:flags=bilinear", line, StringComparison.Ordinal);
        Assert.EndsWith("-pix_fmt gray -f rawvideo pipe:1", line, StringComparison.Ordinal);
        Assert.True(line.IndexOf("-threads", StringComparison.Ordinal) < line.IndexOf("-i ", StringComparison.Ordinal), "input options go before -i");
    }

    [Fact]
    public void AFileGetsNoNetworkOptionsAndYuvWhenAskedForColour()
    {
        var command = FfmpegArguments.Build(new FrameSourceOptions { Url = "/data/clip.mp4", PixelFormat = FramePixelFormat.Yuv420P, Fps = 2.5, Width = 320, Height = 180 });
        var line = string.Join(' ', command.Arguments);
        Assert.Null(command.StandardInput);
        Assert.Contains("-i /data/clip.mp4", line, StringComparison.Ordinal);
        Assert.DoesNotContain("rtsp_transport", line, StringComparison.Ordinal);
        Assert.DoesNotContain("rw_timeout", line, StringComparison.Ordinal);
        Assert.Contains("fps=2.5,scale=320:180", line, StringComparison.Ordinal);
        Assert.Contains("-pix_fmt yuv420p", line, StringComparison.Ordinal);
    }

    [Fact]
    public void AnHttpStreamGetsAReadTimeoutInMicroseconds()
    {
        var args = FfmpegArguments.Build(new FrameSourceOptions { Url = "http://cam/video.mjpg", StallTimeout = TimeSpan.FromSeconds(7) }).Arguments;
        Assert.Equal("7000000", args[args.ToList().IndexOf("-rw_timeout") + 1]);
    }

    [Theory]
    [InlineData("rtsp://admin:s3cret@10.0.0.5:554/sub", "rtsp://admin:***@10.0.0.5:554/sub")]
    [InlineData("rtsp://admin:p@ss@10.0.0.5/sub", "rtsp://admin:***@10.0.0.5/sub")]
    [InlineData("http://cam/snap.cgi?user=a&password=hunter2&x=1", "http://cam/snap.cgi?user=a&password=***&x=1")]
    [InlineData("rtsp://10.0.0.5/sub", "rtsp://10.0.0.5/sub")]
    public void CredentialsAreMaskedForLogs(string url, string expected) =>
        Assert.Equal(expected, MediaUrl.MaskCredentials(url));

    [Fact]
    public void TheCommandLineAndItsLogFormNeverContainThePassword()
    {
        var command = FfmpegArguments.Build(new FrameSourceOptions { Url = "rtsp://cam/sub", Username = "admin", Password = "s3cret" });
        Assert.DoesNotContain(command.Arguments, a => a.Contains("s3cret", StringComparison.Ordinal));
        Assert.DoesNotContain("s3cret", command.ForLog(), StringComparison.Ordinal);
        Assert.StartsWith("ffmpeg -hide_banner", command.ForLog(), StringComparison.Ordinal);
        // With a password the URL and its options are in the input list on stdin, not on the command line.
        Assert.Contains("-f concat -safe 0 -i pipe:0", string.Join(' ', command.Arguments), StringComparison.Ordinal);
        Assert.Contains("file 'rtsp://admin:s3cret@cam/sub'", command.StandardInput, StringComparison.Ordinal);
        Assert.Contains("option rtsp_transport 'tcp'", command.StandardInput, StringComparison.Ordinal);
    }
}
