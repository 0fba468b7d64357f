using FFMpegCore;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Media.Snapshots;

/// <summary>A snapshot, built with FFMpegCore: the first frame of a local media file as one JPEG (quality 3 of 2–31).</summary>
public static class SnapshotArguments
{
    public static MediaCommand FirstFrame(string ffmpeg, string source, string target)
    {
        var arguments = FFMpegArguments
            .FromFileInput(source, verifyExists: false, i => i.WithCustomArgument("-protocol_whitelist file"))
            .OutputToFile(target, overwrite: true, o => o
                .WithFrameCount(1)
                .WithCustomArgument("-q:v 3")
                .ForceFormat("mjpeg"))
            .Arguments;
        return new MediaCommand(ffmpeg, ["-nostdin", "-v", "error", .. CommandLine.Split(arguments)]);
    }
}
