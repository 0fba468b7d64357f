using SmartCommunity.Media.Running;
using SmartCommunity.Media.Simulation;
using SmartCommunity.Media.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Media.Tests.Simulation;

/// <summary>The stand-in video encoder (synthetic clips, the demo's cameras), with real ffmpeg.</summary>
public sealed class RawVideoEncoderTests
{
    private const int Width = 64;
    private const int Height = 48;
    private const int Frames = 10;

    [Theory]
    [InlineData(ClipContainer.Mp4, "clip.mp4")]
    [InlineData(ClipContainer.MpegTs, "clip.ts")]
    public async Task EveryFrameRenderedIsInTheClipWithItsBrightness(ClipContainer container, string name)
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, name);

        // Frame i is a flat grey of 20 + 20·i: decoded back, each frame's mean says which it is.
        await RawVideoEncoder.WriteAsync("ffmpeg", Width, Height, 5, container, path, Frames,
            (i, bytes) => Array.Fill(bytes, (byte)(20 + (20 * i))), new ListLogger<RawVideoEncoderTests>());

        var decoded = await DecodeGreyAsync(path);
        Assert.Equal(Frames * Width * Height, decoded.Length);
        for (var i = 0; i < Frames; i++)
        {
            var mean = decoded.AsSpan(i * Width * Height, Width * Height).ToArray().Average(b => b);
            Assert.InRange(mean, 20 + (20 * i) - 3, 20 + (20 * i) + 3);
        }

        Assert.False(File.Exists(path + ".part"));
    }

    [Fact]
    public async Task AFailedEncodeSaysWhyInFfmpegsWordsAndLeavesNoFile()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "missing-folder", "clip.ts");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RawVideoEncoder.WriteAsync("ffmpeg", Width, Height, 5, ClipContainer.MpegTs, path, Frames,
            (_, bytes) => Array.Fill(bytes, (byte)128), new ListLogger<RawVideoEncoderTests>()));

        Assert.Contains("No such file or directory", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
        Assert.False(File.Exists(path + ".part"));
    }

    [Fact]
    public async Task ACancelledRenderKillsFfmpegAndLeavesNoFile()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "clip.ts");
        using var cancel = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RawVideoEncoder.WriteAsync("ffmpeg", Width, Height, 5, ClipContainer.MpegTs, path, 1000,
            (i, bytes) =>
            {
                if (i == 5)
                {
                    cancel.Cancel();
                }

                Array.Fill(bytes, (byte)128);
            }, new ListLogger<RawVideoEncoderTests>(), cancel.Token));

        Assert.False(File.Exists(path));
        Assert.False(File.Exists(path + ".part"));
    }

    [Fact]
    public void TheEncoderReadsGreyFramesOnAnOpenStdinAndWritesTheContainerAsked()
    {
        var mp4 = RawVideoArguments.Encode("ffmpeg", 640, 360, 10, ClipContainer.Mp4, "/v/a.part");
        var ts = RawVideoArguments.Encode("ffmpeg", 640, 360, 10, ClipContainer.MpegTs, "/v/b.part");

        Assert.True(mp4.RawStandardInput);
        Assert.Null(mp4.StandardInput);
        Assert.Equal(["-f", "rawvideo", "-pix_fmt", "gray", "-s", "640x360", "-r", "10", "-i", "pipe:0"], mp4.Arguments.Skip(4).Take(10));
        Assert.Equal(["-g", "10", "-bf", "0"], mp4.Arguments.SkipWhile(a => a != "-g").Take(4));
        Assert.Equal(["-movflags", "+faststart", "-f", "mp4", "/v/a.part"], mp4.Arguments.TakeLast(5));
        Assert.Equal(["-f", "mpegts", "/v/b.part"], ts.Arguments.TakeLast(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => RawVideoArguments.Encode("ffmpeg", 0, 360, 10, ClipContainer.Mp4, "/v/a"));
        Assert.Throws<ArgumentOutOfRangeException>(() => RawVideoArguments.Encode("ffmpeg", 640, 360, 0, ClipContainer.Mp4, "/v/a"));
    }

    [Fact]
    public void AReplayStartsAtTheOffsetLoopsAtItsOwnRateAndCopies()
    {
        var replay = RawVideoArguments.Replay("ffmpeg", "/v/cam 1.ts", 12.3456);

        Assert.False(replay.RawStandardInput);
        Assert.Equal(["-re", "-ss", "12.346", "-stream_loop", "-1", "-i", "/v/cam 1.ts", "-c", "copy", "-f", "mpegts", "pipe:1"],
            replay.Arguments.SkipWhile(a => a != "-re"));
        Assert.Throws<ArgumentOutOfRangeException>(() => RawVideoArguments.Replay("ffmpeg", "/v/a.ts", -1));
    }

    [Fact]
    public void AProcessWhoseStdinWasWrittenAtItsStartHasNoStdinToGive()
    {
        using var process = MediaProcess.Start(new MediaCommand("/bin/true", []), new ListLogger<RawVideoEncoderTests>());

        Assert.Throws<InvalidOperationException>(() => process.StandardInput);
    }

    private static async Task<byte[]> DecodeGreyAsync(string path)
    {
        using var runner = new MediaRunner(1, new ListLogger<MediaRunner>());
        var result = await runner.RunAsync(new MediaCommand("ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"]),
            TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.True(result.ExitCode == 0, result.Error);
        return result.Output;
    }
}
