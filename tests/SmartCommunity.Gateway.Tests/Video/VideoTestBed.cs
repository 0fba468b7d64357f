using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SmartCommunity.Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCommunity.Gateway.Video.Recording;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Gateway.Tests.Video;

/// <summary>Settings and helpers shared by the video tests: short timeouts so failures show in seconds, ffprobe with a limit.</summary>
internal static class VideoTestBed
{
    public const string Camera = TestCommunity.Camera;

    /// <summary>The ffmpeg module's runner, for the tests' own ffprobe reads (not the gateway's: its cap is not theirs to use).</summary>
    private static readonly MediaRunner Runner = new(4, NullLogger<MediaRunner>.Instance);

    public static Dictionary<string, string?> Settings(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Video:StallTimeout"] = "00:00:06",
            ["Video:RestartBackoffMin"] = "00:00:00.200",
            ["Video:RestartBackoffMax"] = "00:00:02",
            ["Video:DownAlertAfter"] = "00:00:03",
            ["Video:MinFreeBytes"] = "0",
            ["Video:AllowFileUrls"] = "true",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    public static object CameraBody(string url, int segmentSeconds = 2) => new
    {
        name = "Test camera",
        cellId = TestCommunity.BuildingA,
        mainUrl = url,
        recording = new { enabled = true, segmentSeconds, retentionDays = 7 },
        analysis = new { site = "off", detectFps = 5, detectWidth = 640, detectHeight = 360 },
    };

    public static async Task PutCameraAsync(HttpClient client, string url, int segmentSeconds = 2)
    {
        var response = await client.PutAsJsonAsync("/api/video/cameras/" + Camera, CameraBody(url, segmentSeconds));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Duration in seconds as ffprobe reads it (the format's), with the tool's time limit.</summary>
    public static async Task<double> ProbeSecondsAsync(string file, params string[] extra)
    {
        var result = await Runner.RunAsync(new MediaCommand("ffprobe", [.. extra, "-v", "error", "-show_entries", "format=duration", "-of", "default=noprint_wrappers=1:nokey=1", file]), TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.True(result.Succeeded, "ffprobe failed on " + file + ": " + result.Error);
        return double.Parse(Encoding.UTF8.GetString(result.Output).Trim(), CultureInfo.InvariantCulture);
    }

    public static async Task<JsonElement> ProbeFormatAsync(string file)
    {
        var result = await Runner.RunAsync(new MediaCommand("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file]), TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.True(result.Succeeded, "ffprobe failed on " + file + ": " + result.Error);
        return JsonDocument.Parse(result.Output).RootElement.Clone();
    }

    public static List<VideoSegment> Segments(GatewayFactory gateway) =>
        gateway.Get<SegmentIndex>().Range(Camera, 0, TimeRangeMax);

    public const long TimeRangeMax = 4_102_444_800_000;
}
