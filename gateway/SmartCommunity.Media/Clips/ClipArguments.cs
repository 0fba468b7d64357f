using FFMpegCore;
using FFMpegCore.Enums;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Media.Clips;

/// <summary>
/// A clip export, built with FFMpegCore: segments joined by the concat demuxer (a list file the caller writes,
/// <see cref="ConcatList"/>), cut at the key frame at or before <c>offset</c> (stream copy cannot cut elsewhere),
/// <c>length</c> long, video only, MP4 with its index at the front so it plays while downloading.
/// </summary>
public static class ClipArguments
{
    public static MediaCommand Build(string ffmpeg, string listFile, TimeSpan offset, TimeSpan length, string target)
    {
        var arguments = FFMpegArguments
            .FromFileInput(listFile, verifyExists: false, i => i
                .ForceFormat("concat")
                .WithCustomArgument("-safe 0 -protocol_whitelist file")
                .WithStartTime(offset))
            .OutputToFile(target, overwrite: true, o => o
                .WithDuration(length)
                .WithMap(0, StreamType.Video, 0)
                .CopyStreams(StreamType.Video)
                .WithFastStart()
                .ForceFormat("mp4"))
            .Arguments;
        return new MediaCommand(ffmpeg, ["-nostdin", "-v", "error", .. CommandLine.Split(arguments)]);
    }

    /// <summary>The concat demuxer's list of local files: <c>file '…'</c> with <c>'</c> written as <c>'\''</c> (ffmpeg-formats, "concat").</summary>
    public static string ConcatList(IEnumerable<string> files) =>
        string.Concat(files.Select(f => "file '" + f.Replace("'", @"'\''", StringComparison.Ordinal) + "'\n"));
}
