using SmartCommunity.Media.Tests.Support;

namespace SmartCommunity.Media.Tests.Input;

public sealed class MediaUrlTests
{
    [Fact]
    public void FfmpegsOwnErrorNamingTheUrlIsScrubbedOfTheCredentials()
    {
        // ffprobe 5.1 echoes the input list's URL, credentials and all, when the camera refuses them.
        var stderr = Captured.Text("ffprobe-rtsp-unauthorized.stderr.txt");
        Assert.Contains("admin:wrong@", stderr, StringComparison.Ordinal);

        var scrubbed = MediaUrl.Scrub(stderr, ["wrong", "admin"]);

        Assert.DoesNotContain("wrong", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("admin", scrubbed, StringComparison.Ordinal);
        Assert.Contains("401 Unauthorized", scrubbed, StringComparison.Ordinal);
    }

    [Fact]
    public void APercentEncodedPasswordIsScrubbedToo()
    {
        Assert.Equal("rtsp://u:***@cam *** x", MediaUrl.Scrub("rtsp://u:p%40ss@cam p%40ss x", ["p@ss"]));
    }

    [Theory]
    [InlineData("rtsp://cam/main", true)]
    [InlineData("https://cam/live.m3u8", true)]
    [InlineData("/data/clip.mp4", false)]
    [InlineData("file:///data/clip.mp4", false)]
    public void OnlyNetworkStreamsAreLive(string url, bool live) => Assert.Equal(live, MediaUrl.IsLive(url));
}
