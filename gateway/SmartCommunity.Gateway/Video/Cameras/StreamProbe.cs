using Microsoft.Extensions.Options;
using SmartCommunity.Media.Probing;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Gateway.Video.Cameras;

/// <summary>What ffprobe found in a stream: video codec, picture size, frame rate and bitrate (kbit/s, when the stream says).</summary>
public sealed record StreamProbe(string? Codec, int? Width, int? Height, double? Fps, long? BitrateKbps, DateTimeOffset ProbedAt, string? Error);

/// <summary>Probes streams with ffprobe through the ffmpeg module (one-shot job, under the tool time limit); errors are scrubbed of credentials.</summary>
public sealed class StreamProber(MediaRunner runner, IOptions<VideoOptions> options, TimeProvider time)
{
    /// <summary>ffprobe's own socket timeout on the stream; the job's limit is <see cref="VideoOptions.ToolTimeout"/>.</summary>
    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(10);

    public async Task<StreamProbe> ProbeAsync(string url, CameraStreams streams, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var command = ProbeArguments.Stream(o.FfprobePath, StreamAddress.Source(url, streams), IoTimeout);
        var result = await runner.RunAsync(command, o.ToolTimeout, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return new StreamProbe(null, null, null, null, null, time.GetUtcNow(), StreamAddress.Scrub(result.Error.Trim(), streams));
        }

        var (probe, error) = MediaProbe.Parse(result.Output);
        return probe is null
            ? new StreamProbe(null, null, null, null, null, time.GetUtcNow(), error)
            : new StreamProbe(probe.Codec, probe.Width, probe.Height, probe.Fps, probe.BitrateKbps, time.GetUtcNow(), null);
    }
}
