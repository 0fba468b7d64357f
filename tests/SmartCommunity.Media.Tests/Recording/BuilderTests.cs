using SmartCommunity.Media.Clips;
using SmartCommunity.Media.Input;
using SmartCommunity.Media.Recording;
using SmartCommunity.Media.Snapshots;
using SmartCommunity.Media.Tests.Support;

namespace SmartCommunity.Media.Tests.Recording;

/// <summary>The recorder's, the clip export's and the snapshot's command lines, and the recorder's segment list.</summary>
public sealed class BuilderTests
{
    [Fact]
    public void TheRecorderCopiesVideoIntoFlushedMpegTsSegmentsListedOnStdout()
    {
        var command = RecordingArguments.Build("ffmpeg", new StreamSource("rtsp://cam/main", "admin", "s3cret"), 10, "/v/f/run-%06d.ts");
        var line = string.Join(' ', command.Arguments);
        Assert.StartsWith("-nostdin -hide_banner -loglevel warning -protocol_whitelist", line, StringComparison.Ordinal);
        Assert.EndsWith("-i pipe:0 -map 0:v:0 -c copy -f segment -segment_time 10 -segment_format mpegts -segment_format_options flush_packets=1 -segment_list pipe:1 -segment_list_type csv /v/f/run-%06d.ts", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", line, StringComparison.Ordinal);
        Assert.Contains("s3cret", command.StandardInput, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", command.ForLog(), StringComparison.Ordinal);
        Assert.Contains("(stdin: input list for rtsp://cam/main)", command.ForLog(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryLineOfTheCapturedSegmentListParses()
    {
        var lines = Captured.Text("ffmpeg-segment-list.csv").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(RecordingArguments.TryParseListLine(lines[0], out var file, out var start, out var end));
        Assert.Equal(("seg000.ts", 0.0, 2.9), (file, start, end));
        Assert.True(RecordingArguments.TryParseListLine(lines[1], out _, out start, out end));
        Assert.Equal((2.9, 4.5), (start, end));
    }

    [Theory]
    [InlineData("")]
    [InlineData("seg.ts,1.0")]
    [InlineData("seg.ts,2.0,1.0")]
    [InlineData("seg.ts,x,3.0")]
    [InlineData(",0,1")]
    public void ABrokenSegmentListLineIsRefused(string line) =>
        Assert.False(RecordingArguments.TryParseListLine(line, out _, out _, out _));

    [Fact]
    public void AClipIsAStreamCopyOfTheRangeCutFromTheConcatListIntoFastStartMp4()
    {
        var command = ClipArguments.Build("ffmpeg", "/v/clips/a b.txt", TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(12.345), "/v/clips/a.part.mp4");
        Assert.Equal(
            ["-nostdin", "-v", "error", "-f", "concat", "-safe", "0", "-protocol_whitelist", "file", "-ss", "00:00:01.500", "-i", "/v/clips/a b.txt",
             "-t", "00:00:12.345", "-map", "0:v:0", "-c:v", "copy", "-movflags", "faststart", "-f", "mp4", "/v/clips/a.part.mp4", "-y"],
            command.Arguments);
        Assert.Equal("file '/v/it'\\''s.ts'\nfile '/v/b.ts'\n", ClipArguments.ConcatList(["/v/it's.ts", "/v/b.ts"]));
    }

    [Fact]
    public void ASnapshotIsTheFirstFrameAsOneJpeg()
    {
        var command = SnapshotArguments.FirstFrame("ffmpeg", "/v/seg.ts", "/v/snap.jpg.part");
        Assert.Equal(["-nostdin", "-v", "error", "-protocol_whitelist", "file", "-i", "/v/seg.ts", "-frames:v", "1", "-q:v", "3", "-f", "mjpeg", "/v/snap.jpg.part", "-y"], command.Arguments);
    }
}
