using SmartCommunity.Media.Running;

namespace SmartCommunity.Media.Probing;

/// <summary>ffprobe on local files (segments, clips), as one-shot jobs of the runner.</summary>
public static class FileProbe
{
    /// <summary>The file's length as ffprobe reads it (the container's duration), or null when it holds no readable video.</summary>
    public static async Task<TimeSpan?> DurationAsync(this MediaRunner runner, string ffprobe, string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var result = await runner.RunAsync(ProbeArguments.File(ffprobe, path), timeout, cancellationToken).ConfigureAwait(false);
        return result.Succeeded && MediaProbe.Parse(result.Output).Probe is { Duration: { } duration } ? duration : null;
    }
}
