using Microsoft.Extensions.Logging;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Media.Simulation;

/// <summary>
/// Runs a <see cref="RawVideoArguments.Encode"/> command and feeds it the caller's frames, one <c>gray</c> buffer
/// each. The file appears only when ffmpeg succeeded: it writes to <c>{output}.part</c> and the result is moved into
/// place, so a failed or cancelled render leaves nothing a later run would take for a finished clip.
/// </summary>
public static class RawVideoEncoder
{
    /// <param name="renderFrame">Fills the buffer (width × height bytes) with frame <c>i</c>.</param>
    /// <exception cref="InvalidOperationException">ffmpeg failed; the message has its last words.</exception>
    public static async Task WriteAsync(string ffmpeg, int width, int height, double fps, ClipContainer container, string output,
        int frames, Action<int, byte[]> renderFrame, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(renderFrame);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        var part = output + ".part";
        var command = RawVideoArguments.Encode(ffmpeg, width, height, fps, container, part);
        using (var process = MediaProcess.Start(command, logger))
        {
            try
            {
                var bytes = new byte[width * height];
                var input = process.StandardInput;
                await using (input.ConfigureAwait(false))
                {
                    for (var i = 0; i < frames; i++)
                    {
                        renderFrame(i, bytes);
                        await input.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                    }
                }

                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                await process.ErrorDrained.ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                // ffmpeg exited early (no libx264, an unwritable path): its own words say why.
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                await process.ErrorDrained.ConfigureAwait(false);
                DeletePart(part);
                throw new InvalidOperationException($"ffmpeg could not write {output}: {process.ErrorTail(" | ")}", ex);
            }
            catch
            {
                process.Kill();
                DeletePart(part);
                throw;
            }

            if (process.ExitCode != 0)
            {
                DeletePart(part);
                throw new InvalidOperationException($"ffmpeg could not write {output} (exit {process.ExitCode}): {process.ErrorTail(" | ")}");
            }
        }

        File.Move(part, output, overwrite: true);
    }

    private static void DeletePart(string part)
    {
        try
        {
            File.Delete(part);
        }
        catch (DirectoryNotFoundException)
        {
            // Its folder is missing: ffmpeg could not have written it (and said so).
        }
    }
}
