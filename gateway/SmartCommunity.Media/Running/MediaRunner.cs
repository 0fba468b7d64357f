using Microsoft.Extensions.Logging;

namespace SmartCommunity.Media.Running;

/// <summary>
/// Runs one-shot ffmpeg/ffprobe jobs (probes, snapshots, clip exports, segment repair) at most
/// <c>maxConcurrentJobs</c> at a time, each under a time limit that kills its process tree. The wait for a slot is
/// bounded by the caller's cancellation only; the limit starts with the process. Long-running processes (a camera's
/// recorder, the frame pipe) are started with <see cref="Start"/> and are not counted against the cap: each camera
/// needs its own for as long as it runs.
/// </summary>
public sealed partial class MediaRunner(int maxConcurrentJobs, ILogger<MediaRunner> logger) : IDisposable
{
    private const int MaxOutputBytes = 32 << 20;
    private readonly SemaphoreSlim _slots = new(maxConcurrentJobs, maxConcurrentJobs);

    public int MaxConcurrentJobs => maxConcurrentJobs;

    /// <summary>Starts a long-running process (the caller kills it); not counted against the cap.</summary>
    public MediaProcess Start(MediaCommand command) => MediaProcess.Start(command, logger);

    /// <summary>Runs the command to its end or its time limit. A missing binary or a timeout is a failed result, not an exception; the caller's cancellation throws.</summary>
    public async Task<MediaResult> RunAsync(MediaCommand command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            MediaProcess process;
            try
            {
                process = MediaProcess.Start(command, logger);
            }
            catch (MediaToolMissingException ex)
            {
                return new MediaResult(-1, [], ex.Message);
            }

            using (process)
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                limit.CancelAfter(timeout);
                var output = ReadBoundedAsync(process.StandardOutput, limit.Token);
                try
                {
                    await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
                    var bytes = await output.ConfigureAwait(false);
                    await process.ErrorDrained.WaitAsync(limit.Token).ConfigureAwait(false);
                    return new MediaResult(process.ExitCode ?? -1, bytes, process.ErrorTail());
                }
                catch (OperationCanceledException)
                {
                    process.Kill();
                    cancellationToken.ThrowIfCancellationRequested();
                    LogTimedOut(logger, command.Executable, timeout.TotalSeconds);
                    return new MediaResult(-1, [], $"timed out after {timeout.TotalSeconds:0.#} s. {process.ErrorTail(" | ")}".Trim());
                }
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Tool} killed at its time limit of {Seconds} s")]
    private static partial void LogTimedOut(ILogger logger, string tool, double seconds);
}
