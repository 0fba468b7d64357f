using SmartCommunity.Media.Input;
using SmartCommunity.Media.Live;

namespace SmartCommunity.Media.Tests.Live;

/// <summary>The ffmpeg that feeds a superior GB/T 28181 platform (the real run is Gb28181.Tests' CascadeTests.Media).</summary>
public class ProgramStreamArgumentsTests
{
    [Fact]
    public void ACameraWithAPasswordIsOpenedFromStdinAndItsVideoCopiedIntoPacksThatFitOneRtpPacket()
    {
        var command = ProgramStreamArguments.Build("ffmpeg", new StreamSource("rtsp://10.0.0.7/main", "admin", "s3cret-Pa55"));

        Assert.DoesNotContain(command.Arguments, a => a.Contains("s3cret-Pa55", StringComparison.Ordinal));
        Assert.Contains("s3cret-Pa55", command.StandardInput, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-Pa55", command.ForLog(), StringComparison.Ordinal);
        Assert.Equal(["-map", "0:v:0", "-c", "copy", "-bsf:v", "h264_mp4toannexb", "-f", "vob", "-packetsize", "1400"],
            command.Arguments.SkipWhile(a => a != "-map").Take(10));
        Assert.Equal("pipe:1", command.Arguments[^1]);
    }

    [Fact]
    public void AClipStandingInForACameraIsReadAtItsOwnRateAndLooped()
    {
        var command = ProgramStreamArguments.Build("ffmpeg", new StreamSource("file:///var/lib/sc/clips/east-gate.mp4", null, null));

        Assert.Null(command.StandardInput);
        Assert.Equal(["-re", "-stream_loop", "-1", "-i"], command.Arguments.SkipWhile(a => a != "-re").Take(4));
    }

    [Fact]
    public void RecordedSegmentsArePlayedAtTheirOwnRateFromAListOnStdinCutByInpointAndOutpoint()
    {
        var command = ProgramStreamArguments.Playback("ffmpeg", ["/var/lib/sc/video/a.ts", "/var/lib/sc/video/b.ts", "/var/lib/sc/video/it's.ts"],
            TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(0.25));

        Assert.Equal(["-readrate", "1", "-f", "concat", "-safe", "0", "-protocol_whitelist", "file,pipe", "-i", "pipe:0", "-map"],
            command.Arguments.SkipWhile(a => a != "-readrate").Take(11));
        Assert.Equal("file 'file:/var/lib/sc/video/a.ts'\ninpoint 1.5\nfile 'file:/var/lib/sc/video/b.ts'\nfile 'file:/var/lib/sc/video/it'\\''s.ts'\noutpoint 0.25\n",
            command.StandardInput);
        Assert.Equal("pipe:1", command.Arguments[^1]);
    }

    [Theory]
    [InlineData(0.25, "0.25")]
    [InlineData(4, "4")]
    public void APlaybackAtASuperiorsSpeedReadsAtThatRate(double speed, string rate) =>
        Assert.Equal(["-readrate", rate], ProgramStreamArguments.Playback("ffmpeg", ["/v/a.ts"], TimeSpan.Zero, TimeSpan.FromSeconds(2), speed).Arguments
            .SkipWhile(a => a != "-readrate").Take(2));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void ASpeedOfZeroOrLessIsRefused(double speed) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ProgramStreamArguments.Playback("ffmpeg", ["/v/a.ts"], TimeSpan.Zero, TimeSpan.FromSeconds(2), speed));

    [Fact]
    public void OneSegmentCarriesBothItsInpointAndItsOutpoint() =>
        Assert.Equal("file 'file:/v/a.ts'\ninpoint 0.5\noutpoint 4.5\n",
            ProgramStreamArguments.Playback("ffmpeg", ["/v/a.ts"], TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(4.5)).StandardInput);
}
