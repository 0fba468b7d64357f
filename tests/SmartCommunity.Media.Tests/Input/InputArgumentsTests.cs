using SmartCommunity.Media.Input;

namespace SmartCommunity.Media.Tests.Input;

public sealed class InputArgumentsTests
{
    [Fact]
    public void ACameraWithCredentialsIsNamedOnlyInTheListOnStdin()
    {
        var input = InputArguments.Build(new StreamSource("rtsp://10.0.0.5:554/main", "admin", "pa'ss:w@rd"), TimeSpan.FromSeconds(10));

        Assert.Equal(["-protocol_whitelist", "pipe,rtsp,rtsps,rtp,srtp,udp,tcp,tls", "-f", "concat", "-safe", "0", "-i", "pipe:0"], input.Arguments);
        Assert.DoesNotContain(input.Arguments, a => a.Contains("10.0.0.5", StringComparison.Ordinal) || a.Contains("admin", StringComparison.Ordinal));
        // Credentials percent-encoded into the URL.
        Assert.Equal(
            "ffconcat version 1.0\nfile 'rtsp://admin:pa%27ss%3Aw%40rd@10.0.0.5:554/main'\noption rtsp_transport 'tcp'\noption timeout '10000000'\n",
            input.StandardInput);
        Assert.Equal(["pa'ss:w@rd", "admin"], input.Secrets);
        Assert.Equal("input list for rtsp://10.0.0.5:554/main", input.StandardInputForLog);
    }

    [Fact]
    public void AQuoteInTheUrlIsWrittenTheWayTheConcatListQuotesIt()
    {
        var input = InputArguments.Build(new StreamSource("rtsp://cam/it's", "u", "p"), TimeSpan.FromSeconds(1));
        Assert.StartsWith("ffconcat version 1.0\nfile 'rtsp://u:p@cam/it'\\''s'\n", input.StandardInput, StringComparison.Ordinal);
    }

    [Fact]
    public void AnHttpStreamGetsItsReadTimeoutAndTheHttpProtocolsOnly()
    {
        var input = InputArguments.Build(new StreamSource("https://cam/live.m3u8", Password: "tok"), TimeSpan.FromSeconds(7));
        Assert.Equal("pipe,http,https,tcp,tls,crypto", input.Arguments[1]);
        Assert.Contains("option rw_timeout '7000000'\n", input.StandardInput, StringComparison.Ordinal);
    }

    [Fact]
    public void AStreamWithoutSecretsIsOpenedDirectlyWithTheSameOptions()
    {
        var input = InputArguments.Build(new StreamSource("rtsp://cam/main"), TimeSpan.FromSeconds(10), loopFile: true);
        Assert.Equal(["-rtsp_transport", "tcp", "-timeout", "10000000", "-protocol_whitelist", "rtsp,rtsps,rtp,srtp,udp,tcp,tls", "-i", "rtsp://cam/main"], input.Arguments);
        Assert.Null(input.StandardInput);
    }

    [Fact]
    public void APasswordInsideTheUrlAlsoSendsItThroughTheList()
    {
        var input = InputArguments.Build(new StreamSource("rtsp://admin:pw@cam/main"), TimeSpan.FromSeconds(10));
        Assert.Equal("pipe:0", input.Arguments[^1]);
        Assert.Contains("file 'rtsp://admin:pw@cam/main'", input.StandardInput, StringComparison.Ordinal);
    }

    [Fact]
    public void ALocalClipIsOpenedByPathWithOnlyTheFileProtocolAndLoopedWhenItStandsInForACamera()
    {
        var input = InputArguments.Build(new StreamSource("file:///data/demo/beach.mp4"), TimeSpan.FromSeconds(10), loopFile: true);
        Assert.Equal(["-protocol_whitelist", "file", "-re", "-stream_loop", "-1", "-i", "/data/demo/beach.mp4"], input.Arguments);
        Assert.Null(input.StandardInput);
    }

    [Fact]
    public void AUrlWithALineBreakIsRefusedRatherThanAddingADirectiveToTheList()
    {
        Assert.Throws<ArgumentException>(() => InputArguments.Build(new StreamSource("rtsp://cam/main\noption x y", "admin", "pw"), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void AStreamSourcePrintsWithoutItsPassword()
    {
        Assert.DoesNotContain("hunter2", new StreamSource("rtsp://cam/main", "admin", "hunter2").ToString(), StringComparison.Ordinal);
    }
}
