using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Video;

/// <summary>
/// Where video files live under the data directory: <c>footage/{camera}/{yyyy-MM-dd}/{run}-{000000}.ts</c>,
/// <c>clips/{clip}.mp4</c>, <c>snapshots/{camera}/…</c>. Every path served is built here from checked IDs and
/// checked again to lie inside <see cref="Root"/>, so no request can name a file elsewhere.
/// </summary>
public sealed class VideoPaths(IOptions<StorageOptions> storage, IOptions<VideoOptions> video)
{
    public string Root { get; } = Path.GetFullPath(Path.Combine(storage.Value.DataDirectory, video.Value.FootageFolder));

    public string Footage => Path.Combine(Root, "footage");

    public string Clips => Path.Combine(Root, "clips");

    public string Snapshots => Path.Combine(Root, "snapshots");

    public string CameraFootage(string cameraId) => Inside(Path.Combine(Footage, cameraId));

    /// <summary>Full path of a path stored relative to <see cref="Root"/> in the index; null when it would leave the root.</summary>
    public string? Resolve(string relative)
    {
        var full = Path.GetFullPath(Path.Combine(Root, relative));
        return full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }

    /// <summary>The segment's file when it is inside the root and still on disk (retention or a full disk may have taken it), else null.</summary>
    public string? FileOf(Recording.VideoSegment segment) => Resolve(segment.Path) is { } file && File.Exists(file) ? file : null;

    /// <summary>The segments whose files are still on disk, in their order, each with its file.</summary>
    public List<(Recording.VideoSegment Segment, string File)> OnDisk(IEnumerable<Recording.VideoSegment> segments) =>
        [.. segments.Select(s => (Segment: s, File: FileOf(s))).Where(s => s.File is not null).Select(s => (s.Segment, s.File!))];

    public string Relative(string full) => Path.GetRelativePath(Root, full);

    private string Inside(string path)
    {
        var full = Path.GetFullPath(path);
        return full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw new ArgumentException("Path leaves the video folder.", nameof(path));
    }
}
