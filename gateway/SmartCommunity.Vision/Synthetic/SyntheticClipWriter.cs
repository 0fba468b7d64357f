using System.Diagnostics;
using OpenCvSharp;

namespace SmartCommunity.Vision.Synthetic;

/// <summary>
/// Writes a <see cref="SyntheticClip"/> as an H.264 MP4 (yuv420p, the clip's fps) by piping its grey frames to
/// <c>ffmpeg -f rawvideo</c>, so the clip reaches analysis through the same decode path as a camera's.
/// </summary>
public static class SyntheticClipWriter
{
    /// <summary>Renders every frame of <paramref name="clip"/> into <paramref name="path"/> (overwritten).</summary>
    /// <exception cref="InvalidOperationException">ffmpeg failed; the message has its last words.</exception>
    public static async Task WriteMp4Async(SyntheticClip clip, string path, string ffmpegPath = "ffmpeg", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        clip.Validate();
        var info = new ProcessStartInfo(ffmpegPath)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "gray", "-s", $"{clip.Width}x{clip.Height}",
            "-r", clip.Fps.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", "pipe:0",
            // A keyframe every second and no B-frames: small, seekable, and cheap to decode at 5 fps.
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-g", Math.Max(1, (int)Math.Round(clip.Fps)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-bf", "0", "-pix_fmt", "yuv420p", "-movflags", "+faststart", path,
        ];
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {ffmpegPath}.");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            using var frame = new Mat(clip.Height, clip.Width, MatType.CV_8UC1);
            var bytes = new byte[clip.Width * clip.Height];
            var input = process.StandardInput.BaseStream;
            for (var i = 0; i < clip.Frames; i++)
            {
                clip.Render(i, frame);
                System.Runtime.InteropServices.Marshal.Copy(frame.Data, bytes, 0, bytes.Length);
                await input.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            }

            await input.FlushAsync(cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            // ffmpeg exited early (bad path, no libx264): its own words say why.
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw new InvalidOperationException($"ffmpeg could not write {path}: {await stderr.ConfigureAwait(false)}", ex);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg could not write {path} (exit {process.ExitCode}): {await stderr.ConfigureAwait(false)}");
        }
    }
}
