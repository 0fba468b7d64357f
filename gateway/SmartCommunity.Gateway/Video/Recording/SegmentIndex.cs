using Dapper;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Video.Recording;

/// <summary>One closed segment: its camera, wall-clock start and end (unix ms), size, file (relative to the video folder) and flags.</summary>
/// <param name="Run">The recorder run that wrote it; segments of one run have continuous timestamps (no HLS discontinuity between them).</param>
/// <param name="Repaired">Found half-written after a crash or stop and indexed from what ffprobe read in it.</param>
public sealed record VideoSegment(long Id, string CameraId, long StartMs, long EndMs, long Size, string Path, string Run, bool Motion, bool Events, bool Evidence, bool Repaired)
{
    public long DurationMs => EndMs - StartMs;
}

/// <summary>The index of closed segments in the database. A row is written only for a file that is complete on disk.</summary>
public sealed class SegmentIndex(Database database)
{
    private const string Columns = "id, camera_id, start_ms, end_ms, size, path, run, motion, events, evidence, repaired";

    public VideoSegment Add(string cameraId, long startMs, long endMs, long size, string path, string run, bool repaired)
    {
        using var connection = database.Open();
        // A new segment inherits the flags of events already bookmarked in its range (an event can arrive before its segment closes).
        var flags = connection.QuerySingle<SegmentRow>("""
            INSERT INTO video_segments (camera_id, start_ms, end_ms, size, path, run, repaired, events, motion)
            VALUES (@cameraId, @startMs, @endMs, @size, @path, @run, @repaired,
                CASE WHEN EXISTS (SELECT 1 FROM video_events WHERE camera_id = @cameraId AND ts_ms >= @startMs AND ts_ms < @endMs) THEN 1 ELSE 0 END,
                CASE WHEN EXISTS (SELECT 1 FROM video_events WHERE camera_id = @cameraId AND ts_ms >= @startMs AND ts_ms < @endMs AND type LIKE 'motion%') THEN 1 ELSE 0 END)
            ON CONFLICT (path) DO UPDATE SET start_ms = excluded.start_ms, end_ms = excluded.end_ms, size = excluded.size
            RETURNING id, motion, events, evidence
            """, new { cameraId, startMs, endMs, size, path, run, repaired = repaired ? 1 : 0 });
        return new VideoSegment(flags.Id, cameraId, startMs, endMs, size, path, run, flags.Motion != 0, flags.Events != 0, flags.Evidence != 0, repaired);
    }

    /// <summary>Segments that overlap [from, to), oldest first.</summary>
    public List<VideoSegment> Range(string cameraId, long fromMs, long toMs, int limit = 20_000) =>
        Query($"SELECT {Columns} FROM video_segments WHERE camera_id = @cameraId AND end_ms > @fromMs AND start_ms < @toMs ORDER BY start_ms LIMIT @limit",
            new { cameraId, fromMs, toMs, limit });

    public VideoSegment? Get(long id) =>
        Query($"SELECT {Columns} FROM video_segments WHERE id = @id", new { id }).FirstOrDefault();

    public VideoSegment? Newest(string cameraId) =>
        Query($"SELECT {Columns} FROM video_segments WHERE camera_id = @cameraId ORDER BY start_ms DESC LIMIT 1", new { cameraId }).FirstOrDefault();

    /// <summary>The latest segment a recorder run wrote.</summary>
    public VideoSegment? LastOfRun(string cameraId, string run) =>
        Query($"SELECT {Columns} FROM video_segments WHERE camera_id = @cameraId AND run = @run ORDER BY end_ms DESC LIMIT 1", new { cameraId, run }).FirstOrDefault();

    /// <summary>Whether the file is already indexed (repair skips it).</summary>
    public bool Contains(string path)
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long?>("SELECT 1 FROM video_segments WHERE path = @path", new { path }) is not null;
    }

    /// <summary>Oldest segments first, across cameras, for the disk guard.</summary>
    public List<VideoSegment> Oldest(int limit) =>
        Query($"SELECT {Columns} FROM video_segments ORDER BY start_ms LIMIT @limit", new { limit });

    /// <summary>Segments of a camera that ended before the cutoff, oldest first.</summary>
    public List<VideoSegment> EndedBefore(string cameraId, long cutoffMs, int limit) =>
        Query($"SELECT {Columns} FROM video_segments WHERE camera_id = @cameraId AND end_ms < @cutoffMs ORDER BY start_ms LIMIT @limit", new { cameraId, cutoffMs, limit });

    public List<string> CameraIds()
    {
        using var connection = database.Open();
        return connection.Query<string>("SELECT DISTINCT camera_id FROM video_segments").ToList();
    }

    public long TotalBytes()
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>("SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM video_segments");
    }

    public void Delete(long id)
    {
        using var connection = database.Open();
        connection.Execute("DELETE FROM video_segments WHERE id = @id", new { id });
    }

    /// <summary>Marks the camera's segments overlapping the range (an event's, or a clip's as evidence).</summary>
    public int Flag(string cameraId, long fromMs, long toMs, string flag)
    {
        var column = flag switch
        {
            "motion" => "motion",
            "events" => "events",
            "evidence" => "evidence",
            _ => throw new ArgumentOutOfRangeException(nameof(flag), flag, "Unknown segment flag."),
        };
        using var connection = database.Open();
        return connection.Execute($"UPDATE video_segments SET {column} = 1 WHERE camera_id = @cameraId AND end_ms > @fromMs AND start_ms <= @toMs", new { cameraId, fromMs, toMs });
    }

    private List<VideoSegment> Query(string sql, object parameters)
    {
        using var connection = database.Open();
        return connection.Query<SegmentRow>(sql, parameters)
            .Select(r => new VideoSegment(r.Id, r.CameraId, r.StartMs, r.EndMs, r.Size, r.Path, r.Run, r.Motion != 0, r.Events != 0, r.Evidence != 0, r.Repaired != 0))
            .ToList();
    }

    private sealed class SegmentRow
    {
        public long Id { get; init; }
        public string CameraId { get; init; } = "";
        public long StartMs { get; init; }
        public long EndMs { get; init; }
        public long Size { get; init; }
        public string Path { get; init; } = "";
        public string Run { get; init; } = "";
        public long Motion { get; init; }
        public long Events { get; init; }
        public long Evidence { get; init; }
        public long Repaired { get; init; }
    }
}
