using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SmartCommunity.Gateway.Alerts.Engine;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Live;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.Video;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.Video.Recording;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Video;

/// <summary>
/// Recording a real RTSP camera (GStreamer's RTSP server, synthetic H.264) with the real gateway and real ffmpeg:
/// segments indexed with the right times, HLS over a range, clip export, camera loss and return, restarts.
/// </summary>
public sealed class RecordingTests : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);
    private readonly List<string> _logs = [];
    private RtspServerProcess _rtsp = null!;
    private GatewayFactory _gateway = null!;
    private HttpClient _ps = null!;

    public async Task InitializeAsync()
    {
        _rtsp = await RtspServerProcess.StartAsync();
        _gateway = new GatewayFactory(settings: VideoTestBed.Settings(), services: Capture).Start();
        _ps = await _gateway.LoginAsync("ps");
    }

    public async Task DisposeAsync()
    {
        _ps.Dispose();
        await _gateway.DisposeAsync();
        await _rtsp.DisposeAsync();
        try
        {
            Directory.Delete(_gateway.DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private async Task WaitForNewSegmentAsync()
    {
        var known = VideoTestBed.Segments(_gateway).Count;
        await WaitForSegmentsAsync(known + 1);
    }

    private void Capture(Microsoft.Extensions.DependencyInjection.IServiceCollection services) =>
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(services, new ListLoggerProvider(_logs));

    private string Diagnostics()
    {
        lock (_logs)
        {
            return string.Join("\n", VideoTestBed.Segments(_gateway)) + "\n" + string.Join("\n", _logs.Where(l => l.Contains("Video", StringComparison.Ordinal)).TakeLast(40))
                + "\n" + string.Join("\n", _gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render().Split('\n').Where(l => l.StartsWith("sc_video", StringComparison.Ordinal)));
        }
    }

    private async Task<List<VideoSegment>> WaitForSegmentsAsync(int count, Func<VideoSegment, bool>? which = null)
    {
        List<VideoSegment> segments = [];
        await Eventually.TrueAsync(() => (segments = [.. VideoTestBed.Segments(_gateway).Where(which ?? (_ => true))]).Count >= count, Long, $"{count} segments indexed");
        return segments;
    }

    [Fact]
    public async Task SegmentsAreIndexedWithCorrectTimesAndARangePlaysAsHlsAndExportsAsAClip()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await VideoTestBed.PutCameraAsync(_ps, _rtsp.Url);
        var segments = await WaitForSegmentsAsync(5);
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var paths = _gateway.Get<VideoPaths>();

        foreach (var segment in segments)
        {
            Assert.InRange(segment.StartMs, before - 1000, after);
            Assert.InRange(segment.EndMs, segment.StartMs + 500, after + 100);
            Assert.InRange(segment.DurationMs, 900, 4500);
            var file = paths.Resolve(segment.Path)!;
            Assert.Equal(new FileInfo(file).Length, segment.Size);
            Assert.InRange(await VideoTestBed.ProbeSecondsAsync(file), (segment.DurationMs / 1000.0) - 0.35, (segment.DurationMs / 1000.0) + 0.35);
        }

        // One run: back to back on the wall clock, in order, no overlap.
        for (var i = 1; i < segments.Count; i++)
        {
            Assert.Equal(segments[i - 1].EndMs, segments[i].StartMs);
        }

        // The segments of a range, then the range's playlist: durations and times match the index, and it covers the range.
        var from = segments[1].StartMs + 300;
        var to = segments[3].EndMs - 300;
        var listed = await _ps.GetFromJsonAsync<JsonElement>($"/api/video/cameras/{VideoTestBed.Camera}/segments?from={from}&to={to}");
        Assert.Equal([segments[1].Id, segments[2].Id, segments[3].Id], listed.EnumerateArray().Select(s => s.GetProperty("id").GetInt64()));

        var playlistResponse = await _ps.GetAsync($"/api/video/cameras/{VideoTestBed.Camera}/footage?from={from}&to={to}");
        Assert.Equal(HttpStatusCode.OK, playlistResponse.StatusCode);
        Assert.Equal("application/vnd.apple.mpegurl", playlistResponse.Content.Headers.ContentType!.MediaType);
        var playlist = await playlistResponse.Content.ReadAsStringAsync();
        var lines = playlist.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("#EXTM3U", lines[0]);
        Assert.Equal("#EXT-X-ENDLIST", lines[^1]);
        var target = int.Parse(lines.Single(l => l.StartsWith("#EXT-X-TARGETDURATION:", StringComparison.Ordinal)).Split(':')[1], CultureInfo.InvariantCulture);
        var times = lines.Where(l => l.StartsWith("#EXT-X-PROGRAM-DATE-TIME:", StringComparison.Ordinal)).Select(l => DateTimeOffset.Parse(l[25..], CultureInfo.InvariantCulture).ToUnixTimeMilliseconds()).ToList();
        var durations = lines.Where(l => l.StartsWith("#EXTINF:", StringComparison.Ordinal)).Select(l => double.Parse(l[8..].TrimEnd(','), CultureInfo.InvariantCulture)).ToList();
        var uris = lines.Where(l => !l.StartsWith('#')).ToList();
        Assert.Equal([segments[1].StartMs, segments[2].StartMs, segments[3].StartMs], times);
        Assert.Equal([segments[1].DurationMs / 1000.0, segments[2].DurationMs / 1000.0, segments[3].DurationMs / 1000.0], durations);
        Assert.All(durations, d => Assert.True(Math.Round(d) <= target));
        Assert.True(times[0] <= from && times[^1] + (long)(durations[^1] * 1000) >= to, "the playlist covers the range");

        // Fetch the playlist's segments through the API (with a byte range, as players do), then let ffprobe read the playlist.
        var local = Directory.CreateTempSubdirectory("sc-hls-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(local, "footage.m3u8"), playlist);
            foreach (var uri in uris)
            {
                var url = $"/api/video/cameras/{VideoTestBed.Camera}/{uri}";
                using var ranged = new HttpRequestMessage(HttpMethod.Get, url);
                ranged.Headers.Range = new RangeHeaderValue(0, 187);
                using var partial = await _ps.SendAsync(ranged);
                Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
                Assert.Equal(188, (await partial.Content.ReadAsByteArrayAsync()).Length);
                var bytes = await _ps.GetByteArrayAsync(url);
                Assert.Equal(0x47, bytes[0]); // MPEG-TS sync byte
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(local, uri))!);
                await File.WriteAllBytesAsync(Path.Combine(local, uri), bytes);
            }

            var playlistSeconds = await VideoTestBed.ProbeSecondsAsync(Path.Combine(local, "footage.m3u8"), "-protocol_whitelist", "file");
            Assert.InRange(playlistSeconds, durations.Sum() - 0.5, durations.Sum() + 0.5);
        }
        finally
        {
            Directory.Delete(local, recursive: true);
        }

        // Export the range as a clip; "clip ready" arrives on the live stream; ffprobe reads a valid MP4 of the right length.
        using var live = _gateway.Get<LiveHub>().Subscribe(CellScope.Everything, new HashSet<string> { "clip" });
        var created = await _ps.PostAsJsonAsync("/api/video/clips", new { cameraId = VideoTestBed.Camera, from, to });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var clipId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        JsonElement clip = default;
        await Eventually.TrueAsync(async () => (clip = await _ps.GetFromJsonAsync<JsonElement>("/api/video/clips/" + clipId)).GetProperty("state").GetString() is "ready" or "failed", Long, "clip exported");
        Assert.Equal("ready", clip.GetProperty("state").GetString());
        using var notice = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var ready = await live.Reader.ReadAsync(notice.Token);
        Assert.Contains(clipId!, ready.Json, StringComparison.Ordinal);

        var mp4 = Path.Combine(Path.GetTempPath(), $"sc-clip-{clipId}.mp4");
        try
        {
            await File.WriteAllBytesAsync(mp4, await _ps.GetByteArrayAsync(clip.GetProperty("url").GetString()));
            var probe = await VideoTestBed.ProbeFormatAsync(mp4);
            Assert.Contains("mp4", probe.GetProperty("format").GetProperty("format_name").GetString(), StringComparison.Ordinal);
            Assert.Equal("h264", probe.GetProperty("streams")[0].GetProperty("codec_name").GetString());
            var seconds = double.Parse(probe.GetProperty("format").GetProperty("duration").GetString()!, CultureInfo.InvariantCulture);
            // Stream copy cuts at the key frame at or before the start (one a second here).
            Assert.InRange(seconds, (to - from) / 1000.0 - 0.2, (to - from) / 1000.0 + 1.2);
        }
        finally
        {
            File.Delete(mp4);
        }

        Assert.All(_gateway.Get<SegmentIndex>().Range(VideoTestBed.Camera, from, to), s => Assert.True(s.Evidence, "segments of an exported clip are evidence"));

        // The camera shows what the probe found, and a latest picture comes from the newest segment.
        var view = await _ps.GetFromJsonAsync<JsonElement>("/api/video/cameras/" + VideoTestBed.Camera);
        var status = view.GetProperty("status");
        Assert.True(status.GetProperty("online").GetBoolean());
        await Eventually.TrueAsync(() => _gateway.Get<CameraStatusBoard>().Get(VideoTestBed.Camera).MainProbe is not null, Long, "probe done");
        var main = _gateway.Get<CameraStatusBoard>().Get(VideoTestBed.Camera).MainProbe!;
        Assert.Equal(("h264", 320, 240), (main.Codec, main.Width, main.Height));
        Assert.InRange(main.Fps ?? 0, 9, 11);
        var snapshot = await _ps.GetAsync($"/api/video/cameras/{VideoTestBed.Camera}/snapshot");
        Assert.Equal(HttpStatusCode.OK, snapshot.StatusCode);
        var jpeg = await snapshot.Content.ReadAsByteArrayAsync();
        Assert.Equal((byte)0xFF, jpeg[0]);
        Assert.Equal((byte)0xD8, jpeg[1]);
    }

    [Fact]
    public async Task ACameraThatIsNotRecordedIsStillProbed()
    {
        var response = await _ps.PutAsJsonAsync("/api/video/cameras/" + VideoTestBed.Camera, new
        {
            name = "Probe only",
            cellId = TestCommunity.BuildingA,
            mainUrl = _rtsp.Url,
            recording = new { enabled = false, segmentSeconds = 10, retentionDays = 7 },
        });
        response.EnsureSuccessStatusCode();

        await Eventually.TrueAsync(() => _gateway.Get<CameraStatusBoard>().Get(VideoTestBed.Camera).MainProbe is not null, Long, "probe done");
        Assert.Equal("h264", _gateway.Get<CameraStatusBoard>().Get(VideoTestBed.Camera).MainProbe!.Codec);
        Assert.Empty(VideoTestBed.Segments(_gateway));
    }

    [Fact]
    public async Task AKilledStreamIsDetectedAlertedAndRecoveredWhenItComesBack()
    {
        await VideoTestBed.PutCameraAsync(_ps, _rtsp.Url);
        await WaitForSegmentsAsync(2);
        var board = _gateway.Get<CameraStatusBoard>();
        var alerts = _gateway.Get<AlertStore>();
        bool Open() => alerts.LoadOpen().Any(a => a.Source.Kind == "camera" && a.Source.Id == VideoTestBed.Camera && a.Type == "camera_down");

        await _rtsp.StopAsync();
        await Eventually.TrueAsync(() => board.Get(VideoTestBed.Camera).Online == false, Long, "camera seen offline");
        await Eventually.TrueAsync(Open, Long, "camera_down alert raised");
        var down = (await _ps.GetFromJsonAsync<JsonElement>("/api/video/cameras/" + VideoTestBed.Camera)).GetProperty("status");
        Assert.False(down.GetProperty("online").GetBoolean());
        Assert.False(string.IsNullOrEmpty(down.GetProperty("lastError").GetString()));

        var backAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await _rtsp.StartAgainAsync();
        await WaitForSegmentsAsync(2, s => s.StartMs >= backAt - 1000);
        Assert.True(board.Get(VideoTestBed.Camera).Online);
        Assert.True(board.Get(VideoTestBed.Camera).Restarts >= 1);
        await Eventually.TrueAsync(() => !Open(), Long, "camera_down alert resolved");
        AssertIndexIsSound();
    }

    [Fact]
    public async Task AGatewayRestartAndAKilledFfmpegMidRecordingLeaveACorrectIndex()
    {
        await VideoTestBed.PutCameraAsync(_ps, _rtsp.Url);
        await WaitForSegmentsAsync(3);

        // ffmpeg crashes (killed -9): the recorder restarts it, the half-written file is repaired or discarded.
        // Mid-segment (segments are 2 s): the file being written then has about a second of video in it.
        await WaitForNewSegmentAsync();
        await Task.Delay(1200);
        var ffmpeg = FfmpegOf(_gateway.DataDirectory);
        Assert.NotNull(ffmpeg);
        ffmpeg.Kill();
        var killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await WaitForSegmentsAsync(2, s => s.StartMs > killedAt);

        // Debris a crash could leave: an empty file and a file of garbage, both with a segment's name.
        var folder = Path.Combine(_gateway.Get<VideoPaths>().CameraFootage(VideoTestBed.Camera), DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var empty = Path.Combine(folder, "0123456789ab-000000.ts");
        var garbage = Path.Combine(folder, "0123456789ab-000001.ts");
        await File.WriteAllBytesAsync(empty, []);
        await File.WriteAllBytesAsync(garbage, [.. Enumerable.Range(0, 5000).Select(i => (byte)(i * 7))]);

        // Restart mid-segment.
        await WaitForNewSegmentAsync();
        await Task.Delay(1200);
        _ps.Dispose();
        await _gateway.DisposeAsync();
        var restartedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _gateway = _gateway.Reopen(VideoTestBed.Settings(), Capture).Start();
        _ps = await _gateway.LoginAsync("ps");
        await WaitForSegmentsAsync(2, s => s.StartMs > restartedAt);

        Assert.False(File.Exists(empty));
        Assert.False(File.Exists(garbage));
        AssertIndexIsSound();
        Assert.True(VideoTestBed.Segments(_gateway).Any(s => s.Repaired), "a half-written segment was repaired: " + Diagnostics());
        foreach (var segment in VideoTestBed.Segments(_gateway))
        {
            var seconds = await VideoTestBed.ProbeSecondsAsync(_gateway.Get<VideoPaths>().Resolve(segment.Path)!);
            Assert.InRange(seconds, (segment.DurationMs / 1000.0) - 0.35, (segment.DurationMs / 1000.0) + 0.35);
        }
    }

    /// <summary>Every row names an existing file of its size, rows do not overlap, and every closed file on disk has a row.</summary>
    private void AssertIndexIsSound()
    {
        var paths = _gateway.Get<VideoPaths>();
        var segments = VideoTestBed.Segments(_gateway);
        for (var i = 0; i < segments.Count; i++)
        {
            var file = paths.Resolve(segments[i].Path)!;
            Assert.True(File.Exists(file), segments[i].Path);
            Assert.Equal(new FileInfo(file).Length, segments[i].Size);
            Assert.True(segments[i].EndMs > segments[i].StartMs);
            if (i > 0)
            {
                Assert.True(segments[i].StartMs >= segments[i - 1].EndMs, $"segment {segments[i].Id} overlaps {segments[i - 1].Id}");
            }
        }

        var indexed = segments.Select(s => paths.Resolve(s.Path)).ToHashSet();
        var onDisk = Directory.EnumerateFiles(paths.CameraFootage(VideoTestBed.Camera), "*.ts", SearchOption.AllDirectories).ToList();
        // Only the file being written now (one run) may be without a row.
        Assert.True(onDisk.Count(f => !indexed.Contains(f)) <= 1, "unindexed files: " + string.Join(", ", onDisk.Where(f => !indexed.Contains(f))));
    }

    private static System.Diagnostics.Process? FfmpegOf(string dataDirectory)
    {
        foreach (var process in System.Diagnostics.Process.GetProcessesByName("ffmpeg"))
        {
            try
            {
                var commandLine = File.ReadAllText($"/proc/{process.Id}/cmdline");
                if (commandLine.Contains(dataDirectory, StringComparison.Ordinal) && commandLine.Contains("segment", StringComparison.Ordinal))
                {
                    return process;
                }
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }

            process.Dispose();
        }

        return null;
    }
}
