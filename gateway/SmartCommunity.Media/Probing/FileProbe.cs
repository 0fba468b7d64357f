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

    /// <summary>
    /// When a recording's footage began, so frames analysed faster than real time get the times they were filmed, not
    /// times in the future (issue 16): a file was finished when it was last written, so it began its length before
    /// that. Never later than <paramref name="now"/> less its length (a file stamped in the future). Null when the
    /// input is not a local file or ffprobe cannot read its length.
    /// </summary>
    public static async Task<DateTimeOffset?> RecordingStartAsync(this MediaRunner runner, string ffprobe, string url, DateTimeOffset now, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (LocalPath(url) is not { } path || !File.Exists(path)
            || await runner.DurationAsync(ffprobe, path, timeout, cancellationToken).ConfigureAwait(false) is not { } length)
        {
            return null;
        }

        var written = new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero);
        return (written < now ? written : now) - length;
    }

    /// <summary>The path of a plain path or a <c>file://</c> URL; null for anything else.</summary>
    public static string? LocalPath(string url) =>
        MediaUrl.SchemeOf(url) != "file" ? null
        : url.StartsWith("file://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.LocalPath
        : url.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? url[5..]
        : url;
}
