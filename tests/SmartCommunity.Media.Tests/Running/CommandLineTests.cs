using SmartCommunity.Media.Running;

namespace SmartCommunity.Media.Tests.Running;

public sealed class CommandLineTests
{
    [Fact]
    public void AQuotedPathWithSpacesStaysOneArgument() =>
        Assert.Equal(["-i", "/data x/a.ts", "-y"], CommandLine.Split("-i \"/data x/a.ts\"  -y"));

    [Fact]
    public void AnUnbalancedQuoteIsRefused() =>
        Assert.Throws<ArgumentException>(() => CommandLine.Split("-i \"/data/a\"b\".ts"));

    [Fact]
    public void TheLoggedLineMasksSecretsAndQuotesSpaces() =>
        Assert.Equal("ffmpeg -i \"/a b\" rtsp://u:***@cam ***", CommandLine.ForLog("ffmpeg", ["-i", "/a b", "rtsp://u:pw@cam", "tok"], ["tok"]));
}
