using System.Diagnostics;
using OpenCvSharp;

namespace SmartCommunity.Gateway.Tests.VideoAnalysis;

/// <summary>
/// Real H.264 clips with known ground truth: frames drawn with OpenCV (640×360 grey) piped into ffmpeg, encoded at
/// 5 fps, so each frame of the clip is one analysed frame. The folder is deleted with the instance.
/// </summary>
internal sealed class SyntheticClip : IDisposable
{
    public const int Width = 640;
    public const int Height = 360;
    public const int Fps = 5;

    private readonly string _folder = Directory.CreateTempSubdirectory("sc-gw-clips").FullName;

    public string Folder => _folder;

    /// <summary>Writes <paramref name="frames"/> frames drawn by <paramref name="render"/> (frame index, target) to an MP4.</summary>
    public string Make(string name, int frames, Action<int, Mat> render)
    {
        var path = Path.Combine(_folder, name);
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
        {
            "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "gray", "-s", $"{Width}x{Height}", "-r", $"{Fps}",
            "-i", "pipe:0", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "12", "-pix_fmt", "yuv420p", path,
        })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync();
        using var frame = new Mat(Height, Width, MatType.CV_8UC1);
        var bytes = new byte[Width * Height];
        using (var input = process.StandardInput.BaseStream)
        {
            for (var i = 0; i < frames; i++)
            {
                render(i, frame);
                System.Runtime.InteropServices.Marshal.Copy(frame.Data, bytes, 0, bytes.Length);
                input.Write(bytes);
            }
        }

        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ffmpeg did not finish {name} in 60 s");
        }

        Assert.True(process.ExitCode == 0, $"ffmpeg could not make {name}: {errors.Result}");
        return path;
    }

    /// <summary>A file that is not video.</summary>
    public string Garbage(string name)
    {
        var path = Path.Combine(_folder, name);
        var bytes = new byte[64 * 1024];
        new Random(5).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
