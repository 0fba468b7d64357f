using System.Text;
using System.Text.Json;
using FFMpegCore;

namespace SmartCommunity.Media.Probing;

/// <summary>What ffprobe found: the first video stream's codec, size, frame rate and bitrate, and the container's length.</summary>
public sealed record MediaProbe(string? Codec, int? Width, int? Height, double? Fps, long? BitrateKbps, TimeSpan? Duration)
{
    /// <summary>
    /// Reads ffprobe's JSON (<see cref="ProbeArguments"/>) with FFMpegCore's parser. Returns the error text instead
    /// when the output is not ffprobe's JSON or holds no video stream.
    /// </summary>
    public static (MediaProbe? Probe, string? Error) Parse(byte[] json)
    {
        ArgumentNullException.ThrowIfNull(json);
        IMediaAnalysis analysis;
        try
        {
            analysis = FFProbe.FromJson(Encoding.UTF8.GetString(json));
        }
        catch (Exception ex) when (ex is JsonException or FFMpegCore.Exceptions.FFMpegException or ArgumentException or FormatException or OverflowException or NullReferenceException)
        {
            // NullReferenceException: FFMpegCore 6.0.0 dereferences a missing "format" section.
            return (null, "unreadable ffprobe output: " + ex.Message);
        }

        if (analysis.PrimaryVideoStream is not { } video)
        {
            return (null, "no video stream");
        }

        var rate = video.AverageFrameRate > 0 ? video.AverageFrameRate : video.RealFrameRate;
        var bitrate = video.BitRate is > 0 ? video.BitRate : analysis.Format.BitRate;
        var duration = analysis.Format.Duration > TimeSpan.Zero ? analysis.Format.Duration : (TimeSpan?)null;
        return (new MediaProbe(
            video.CodecName,
            video.Width,
            video.Height,
            double.IsFinite(rate) && rate > 0 ? Math.Round(rate, 3) : null,
            bitrate is { } b and > 0 ? b / 1000 : null,
            duration), null);
    }
}
