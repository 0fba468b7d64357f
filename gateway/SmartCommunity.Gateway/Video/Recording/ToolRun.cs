using System.Diagnostics;
using System.Text;

namespace SmartCommunity.Gateway.Video.Recording;

/// <summary>Result of a one-shot ffmpeg/ffprobe run: exit code (−1 when killed at the time limit), stdout and stderr's tail.</summary>
public sealed record ToolResult(int ExitCode, byte[] Output, string Error)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Runs ffprobe or a short ffmpeg job with its arguments as a list (never through a shell), a time limit, and the
/// whole process tree killed when the limit passes or the caller gives up.
/// </summary>
public static class ToolRun
{
    private const int MaxOutputBytes = 32 << 20;
    private const int MaxErrorChars = 4_000;

    public static async Task<ToolResult> RunAsync(string executable, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["TZ"] = "UTC";
        using var process = Process.Start(info) ?? throw new InvalidOperationException(executable + " did not start.");
        process.StandardInput.Close();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var output = ReadBoundedAsync(process.StandardOutput.BaseStream, limit.Token);
        var error = ReadTailAsync(process.StandardError, limit.Token);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            return new ToolResult(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            cancellationToken.ThrowIfCancellationRequested();
            return new ToolResult(-1, [], "timed out after " + timeout.TotalSeconds + " s");
        }
    }

    /// <summary>A media file's length in seconds as ffprobe reads it (the container's duration), or null when it cannot.</summary>
    public static async Task<double?> DurationSecondsAsync(string ffprobe, string file, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var result = await RunAsync(ffprobe, ["-v", "error", "-show_entries", "format=duration", "-of", "default=noprint_wrappers=1:nokey=1", file], timeout, cancellationToken).ConfigureAwait(false);
        return result.Succeeded && double.TryParse(Encoding.UTF8.GetString(result.Output).Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? seconds : null;
    }

    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read <= MaxOutputBytes)
            {
                buffer.Write(chunk, 0, read);
            }
        }

        return buffer.ToArray();
    }

    private static async Task<string> ReadTailAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var tail = new StringBuilder();
        var chunk = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            tail.Append(chunk, 0, read);
            if (tail.Length > MaxErrorChars * 2)
            {
                tail.Remove(0, tail.Length - MaxErrorChars);
            }
        }

        return tail.Length > MaxErrorChars ? tail.ToString(tail.Length - MaxErrorChars, MaxErrorChars) : tail.ToString();
    }
}
