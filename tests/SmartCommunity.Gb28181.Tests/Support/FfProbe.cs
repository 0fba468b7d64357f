using System.Diagnostics;

namespace SmartCommunity.Gb28181.Tests.Support;

/// <summary>The real ffprobe reading a file the gateway produced.</summary>
public static class FfProbe
{
    /// <summary>ffprobe's <c>-show_streams</c> of the first video stream (fails the test when ffprobe cannot read the file).</summary>
    public static async Task<string> StreamsAsync(string file)
    {
        var info = new ProcessStartInfo("ffprobe") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-v", "error", "-show_streams", "-select_streams", "v:0", file])
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "ffprobe reads the file: " + await process.StandardError.ReadToEndAsync());
        return output;
    }

    /// <summary>How many video frames ffprobe decodes from the file (<c>-count_frames</c>), or 0 when it reads none.</summary>
    public static async Task<int> DecodedFramesAsync(string file)
    {
        var info = new ProcessStartInfo("ffprobe") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file])
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return int.TryParse(output.Trim().Split('\n')[0].TrimEnd(','), out var frames) ? frames : 0;
    }
}
