using System.Diagnostics;

namespace SmartCommunity.Vision.Tests.Support;

/// <summary>Makes real video files with ffmpeg's built-in sources into a temp folder the fixture deletes.</summary>
public sealed class TestClips : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sc-vision-clips").FullName;

    /// <summary>A 640×360, 25 fps H.264 MP4 of ffmpeg's <c>testsrc</c> pattern lasting <paramref name="seconds"/>.</summary>
    public string TestSource(int seconds = 4, string name = "testsrc.mp4") =>
        Make(name, "-f", "lavfi", "-i", $"testsrc=size=640x360:rate=25:duration={seconds}", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p");

    public string PathOf(string name) => Path.Combine(_folder, name);

    public string Make(string name, params string[] args)
    {
        var path = PathOf(name);
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-y" }.Concat(args).Append(path))
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"ffmpeg could not make {name}: {error}");
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
