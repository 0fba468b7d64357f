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
    /// A 640×360, 25 fps H.264 clip: a static textured ground, a walker-sized box (24×60) crossing left to right at
    /// 150 px/s, a 40×40 square crossing right to left at 90 px/s, and temporal sensor noise on everything.
    /// </summary>
    public static async Task<string> MakeClipAsync(string folder, int seconds, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, "moving.mp4");
        // Static ground: grey with dark, light and mid blocks and a grid (real contrast for the stretch to work on).
        var ground = $"color=c=0x606060:s={Width}x{Height}:r=25:d={seconds}," +
            "drawbox=x=0:y=0:w=200:h=120:c=0x202020:t=fill,drawbox=x=420:y=220:w=220:h=140:c=0xd0d0d0:t=fill," +
            "drawbox=x=250:y=0:w=120:h=80:c=0xb0b0b0:t=fill,drawbox=x=0:y=260:w=160:h=100:c=0x383838:t=fill," +
            "drawgrid=w=80:h=60:t=2:c=0x909090[bg];";
        var graph = ground +
            $"color=c=0xe0e0e0:s=24x60:r=25:d={seconds}[a];color=c=0x202020:s=40x40:r=25:d={seconds}[b];" +
            "[bg][a]overlay=x='mod(t*150\\,640)':y=150[t1];[t1][b]overlay=x='600-mod(t*90\\,600)':y=100,noise=alls=8:allf=t";
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
    /// <summary>Runs <paramref name="pass"/> on this thread until <paramref name="seconds"/> of its CPU time have been
    /// spent (after a warm-up of the same length, so the JIT has promoted the hot loops); returns items per CPU
    /// second of this thread, i.e. per core.</summary>
    public static double Rate(double seconds, Func<int> pass)
    {
        var warm = NativeMethods.ThreadCpuTime();
        while ((NativeMethods.ThreadCpuTime() - warm).TotalSeconds < seconds)
        {
            pass();
        }

        long items = 0;
        var start = NativeMethods.ThreadCpuTime();
        while ((NativeMethods.ThreadCpuTime() - start).TotalSeconds < seconds)
        {
            items += pass();
        }

        return items / (NativeMethods.ThreadCpuTime() - start).TotalSeconds;
    }

    public static string BaselineScript([CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "motion_baseline.py");

    public static void Free(List<Frame> frames) => frames.ForEach(f => f.Dispose());
}
