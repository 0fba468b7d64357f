using SmartCommunity.Media.Probing;
using SmartCommunity.Media.Running;
using SmartCommunity.Media.Simulation;
using SmartCommunity.Media.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Media.Tests.Probing;

/// <summary>When a recording's footage began (issue 16), with real ffmpeg and ffprobe.</summary>
public sealed class RecordingStartTests
{
    [Theory]
    [InlineData("")]
    [InlineData("file://")]
    [InlineData("file:")]
    public async Task AFileBeganItsLengthBeforeItWasLastWrittenAndNeverInTheFuture(string prefix)
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "recorded.mp4");
        // 20 frames at 5 fps: 4 s of footage.
        await RawVideoEncoder.WriteAsync("ffmpeg", 64, 48, 5, ClipContainer.Mp4, path, 20, (i, bytes) => Array.Fill(bytes, (byte)(10 * i)), new ListLogger<RecordingStartTests>());
        using var runner = new MediaRunner(1, new ListLogger<MediaRunner>());
        var now = DateTimeOffset.UtcNow;
        var written = now.AddHours(-2);
        File.SetLastWriteTimeUtc(path, written.UtcDateTime);

        var began = await runner.RecordingStartAsync("ffprobe", prefix + path, now, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.NotNull(began);
        Assert.InRange((written - began!.Value).TotalSeconds, 3.9, 4.1);

        // A file stamped in the future (a wrong clock where it was made) is taken to end now.
        File.SetLastWriteTimeUtc(path, now.AddDays(3).UtcDateTime);
        var capped = await runner.RecordingStartAsync("ffprobe", prefix + path, now, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.InRange((now - capped!.Value).TotalSeconds, 3.9, 4.1);
    }

    [Theory]
    [InlineData("rtsp://camera/stream")]
    [InlineData("/nowhere/missing.mp4")]
    public async Task ALiveStreamOrAMissingFileHasNoRecordingStart(string url)
    {
        using var runner = new MediaRunner(1, new ListLogger<MediaRunner>());
        Assert.Null(await runner.RecordingStartAsync("ffprobe", url, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), CancellationToken.None));
    }

    [Fact]
    public async Task AFileFfprobeCannotReadHasNoRecordingStart()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "garbage.mp4");
        await File.WriteAllTextAsync(path, "not a video");
        using var runner = new MediaRunner(1, new ListLogger<MediaRunner>());
        Assert.Null(await runner.RecordingStartAsync("ffprobe", path, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), CancellationToken.None));
    }
}
