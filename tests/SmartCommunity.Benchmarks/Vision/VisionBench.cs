using System.Diagnostics;
using System.Runtime.CompilerServices;
using SmartCommunity.Vision.Frames;
using SmartCommunity.Vision.Sources;

namespace SmartCommunity.Benchmarks.Vision;

/// <summary>The shared clip and helpers of the vision benchmarks.</summary>
internal static class VisionBench
{
    public const int Width = 640;
    public const int Height = 360;

    /// <summary>
    /// A 640×360, 25 fps H.264 clip: grey ground with a grid (static texture), a walker-sized box crossing left to
    /// right, a square crossing right to left, and temporal sensor noise on everything.
    /// </summary>
    public static async Task<string> MakeClipAsync(string folder, int seconds, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, "moving.mp4");
        var graph =
            $"color=c=0x606060:s={Width}x{Height}:r=25:d={seconds},drawgrid=w=80:h=60:t=2:c=0x909090[bg];" +
            $"color=c=0xe0e0e0:s=40x90:r=25:d={seconds}[a];color=c=0x202020:s=60x60:r=25:d={seconds}[b];" +
            "[bg][a]overlay=x='mod(t*150\\,640)':y=200[t1];[t1][b]overlay=x='600-mod(t*90\\,600)':y=60,noise=alls=8:allf=t";
        await RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", graph, "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", path], cancellationToken);
        return path;
    }

    /// <summary>Decodes the clip at 5 fps, 640×360 grey through our frame source, into unpooled frames.</summary>
    public static async Task<List<Frame>> DecodeAsync(string clip, CancellationToken cancellationToken)
    {
        var frames = new List<Frame>();
        using var pool = new FramePool(Width, Height, FramePixelFormat.Gray);
        await foreach (var frame in new FfmpegFrameSource(new FrameSourceOptions { Url = clip }).ReadFramesAsync(pool, cancellationToken))
        {
            var copy = Frame.CreateUnpooled(Width, Height);
            frame.Luma.CopyTo(copy.Luma);
            frames.Add(copy);
            frame.Release();
        }

        return frames;
    }

    public static async Task<(string Stdout, TimeSpan Elapsed)> RunAsync(string file, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        watch.Stop();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} exited with {process.ExitCode}: {await stderr}");
        }

        return (await stdout, watch.Elapsed);
    }

    /// <summary>The Python baseline sits next to this source file.</summary>
    public static string BaselineScript([CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "motion_baseline.py");

    public static void Free(List<Frame> frames) => frames.ForEach(f => f.Dispose());
}
