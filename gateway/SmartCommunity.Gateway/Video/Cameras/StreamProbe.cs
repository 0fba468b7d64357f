using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Video.Recording;

namespace SmartCommunity.Gateway.Video.Cameras;

/// <summary>What ffprobe found in a stream: video codec, picture size, frame rate and bitrate (kbit/s, when the stream says).</summary>
public sealed record StreamProbe(string? Codec, int? Width, int? Height, double? Fps, long? BitrateKbps, DateTimeOffset ProbedAt, string? Error);

/// <summary>Probes streams with ffprobe (JSON output), under the tool time limit; errors are scrubbed of credentials.</summary>
public sealed class StreamProber(IOptions<VideoOptions> options, TimeProvider time)
{
    public async Task<StreamProbe> ProbeAsync(string url, CameraStreams streams, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var arguments = new List<string> { "-v", "error", "-protocol_whitelist", StreamAddress.ProtocolWhitelist(url) };
        if (url.StartsWith("rtsp", StringComparison.OrdinalIgnoreCase))
        {
            arguments.AddRange(["-rtsp_transport", "tcp", "-timeout", "10000000"]);
        }

        arguments.AddRange(["-print_format", "json", "-show_streams", "-show_format", "-select_streams", "v:0", StreamAddress.ForFfmpeg(url, streams)]);
        var result = await ToolRun.RunAsync(o.FfprobePath, arguments, o.ToolTimeout, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return new StreamProbe(null, null, null, null, null, time.GetUtcNow(), StreamAddress.Scrub(result.Error.Trim(), streams));
        }

        return Parse(result.Output, time.GetUtcNow());
    }

    internal static StreamProbe Parse(byte[] json, DateTimeOffset at)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (!root.TryGetProperty("streams", out var streams) || streams.GetArrayLength() == 0)
            {
                return new StreamProbe(null, null, null, null, null, at, "no video stream");
            }

            var video = streams[0];
            var bitrate = Number(video, "bit_rate") ?? (root.TryGetProperty("format", out var format) ? Number(format, "bit_rate") : null);
            return new StreamProbe(
                video.TryGetProperty("codec_name", out var codec) ? codec.GetString() : null,
                video.TryGetProperty("width", out var w) ? w.GetInt32() : null,
                video.TryGetProperty("height", out var h) ? h.GetInt32() : null,
                Rate(video, "avg_frame_rate") ?? Rate(video, "r_frame_rate"),
                bitrate is { } b ? (long)(b / 1000) : null,
                at,
                null);
        }
        catch (JsonException ex)
        {
            return new StreamProbe(null, null, null, null, null, at, "unreadable ffprobe output: " + ex.Message);
        }
    }

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
        && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;

    /// <summary>ffprobe writes rates as fractions ("25/1", "0/0" when unknown).</summary>
    private static double? Rate(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.GetString() is not { } text)
        {
            return null;
        }

        var parts = text.Split('/');
        return parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 && n > 0
            ? Math.Round(n / d, 3) : null;
    }
}
