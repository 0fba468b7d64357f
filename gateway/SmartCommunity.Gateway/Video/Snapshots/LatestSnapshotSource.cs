using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Video.Recording;
using SmartCommunity.Media.Running;
using SmartCommunity.Media.Snapshots;

namespace SmartCommunity.Gateway.Video.Snapshots;

/// <summary>
/// The camera-wall picture of a camera nobody analyses: the first frame of its newest closed segment, decoded once
/// by ffmpeg and kept beside the segment's ID, so repeated requests cost a file read.
/// </summary>
public sealed class LatestSnapshotSource(SegmentIndex index, VideoPaths paths, MediaRunner runner, IOptions<VideoOptions> options)
{
    private readonly ConcurrentDictionary<string, long> _taken = new(StringComparer.Ordinal);

    public async Task<string?> FromNewestSegmentAsync(string cameraId, CancellationToken cancellationToken)
    {
        if (index.Newest(cameraId) is not { } segment || paths.FileOf(segment) is not { } source)
        {
            return null;
        }

        var target = Path.Combine(paths.Snapshots, cameraId, "from-segment.jpg");
        if (_taken.TryGetValue(cameraId, out var taken) && taken == segment.Id && File.Exists(target))
        {
            return target;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = target + "." + Guid.NewGuid().ToString("N") + ".part";
        var result = await runner.RunAsync(SnapshotArguments.FirstFrame(options.Value.FfmpegPath, source, temporary), options.Value.ToolTimeout, cancellationToken);
        if (!result.Succeeded || !File.Exists(temporary))
        {
            File.Delete(temporary);
            return null;
        }

        File.Move(temporary, target, overwrite: true);
        _taken[cameraId] = segment.Id;
        return target;
    }
}
