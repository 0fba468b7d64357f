using Microsoft.Data.Sqlite;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Video.Recording;

/// <summary>One closed segment: its camera, wall-clock start and end (unix ms), size, file (relative to the video folder) and flags.</summary>
/// <param name="Run">The recorder run that wrote it; segments of one run have continuous timestamps (no HLS discontinuity between them).</param>
/// <param name="Repaired">Found half-written after a crash or stop and indexed from what ffprobe read in it.</param>
public sealed record VideoSegment(long Id, string CameraId, long StartMs, long EndMs, long Size, string Path, string Run, bool Motion, bool Events, bool Evidence, bool Repaired)
{
    public long DurationMs => EndMs - StartMs;
}

/// <summary>The index of closed segments in SQLite. A row is written only for a file that is complete on disk.</summary>
public sealed class SegmentIndex(SqliteDatabase database)
{
    private const string Columns = "id, camera_id, start_ms, end_ms, size, path, run, motion, events, evidence, repaired";

    public VideoSegment Add(string cameraId, long startMs, long endMs, long size, string path, string run, bool repaired)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        // A new segment inherits the flags of events already bookmarked in its range (an event can arrive before its segment closes).
        command.CommandText = """
            INSERT INTO video_segments (camera_id, start_ms, end_ms, size, path, run, repaired, events, motion)
            VALUES ($c, $s, $e, $size, $p, $run, $r,
                EXISTS (SELECT 1 FROM video_events WHERE camera_id = $c AND ts_ms >= $s AND ts_ms < $e),
                EXISTS (SELECT 1 FROM video_events WHERE camera_id = $c AND ts_ms >= $s AND ts_ms < $e AND type LIKE 'motion%'))
            ON CONFLICT(path) DO UPDATE SET start_ms = $s, end_ms = $e, size = $size
            RETURNING id, motion, events, evidence
            """;
        command.Parameters.AddWithValue("$c", cameraId);
        command.Parameters.AddWithValue("$s", startMs);
        command.Parameters.AddWithValue("$e", endMs);
        command.Parameters.AddWithValue("$size", size);
        command.Parameters.AddWithValue("$p", path);
        command.Parameters.AddWithValue("$run", run);
        command.Parameters.AddWithValue("$r", repaired ? 1 : 0);
        using var reader = command.ExecuteReader();
        reader.Read();
        return new VideoSegment(reader.GetInt64(0), cameraId, startMs, endMs, size, path, run, reader.GetInt64(1) != 0, reader.GetInt64(2) != 0, reader.GetInt64(3) != 0, repaired);
    }

    /// <summary>Segments that overlap [from, to), oldest first.</summary>
    public List<VideoSegment> Range(string cameraId, long fromMs, long toMs, int limit = 20_000) =>
        Query($"SELECT {Columns} FROM video_segments WHERE camera_id = $c AND end_ms > $f AND start_ms < $t ORDER BY start_ms LIMIT $l", p =>
        {
            p.AddWithValue("$c", cameraId);
            p.AddWithValue("$f", fromMs);
            p.AddWithValue("$t", toMs);
            p.AddWithValue("$l", limit);
        });

    public VideoSegment? Get(long id) =>
        Query($"SELECT {Columns} FROM video_segments WHERE id = $id", p => p.AddWithValue("$id", id)).FirstOrDefault();

    public VideoSegment? Newest(string cameraId) =>
        Query($"SELECT {Columns} FROM video_segments WHERE camera_id = $c ORDER BY start_ms DESC LIMIT 1", p => p.AddWithValue("$c", cameraId)).FirstOrDefault();

    /// <summary>The latest segment a recorder run wrote.</summary>
    public VideoSegment? LastOfRun(string cameraId, string run) =>
        Query($"SELECT {Columns} FROM video_segments WHERE camera_id = $c AND run = $r ORDER BY end_ms DESC LIMIT 1", p =>
        {
            p.AddWithValue("$c", cameraId);
            p.AddWithValue("$r", run);
        }).FirstOrDefault();

    /// <summary>Whether the file is already indexed (repair skips it).</summary>
    public bool Contains(string path)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM video_segments WHERE path = $p";
        command.Parameters.AddWithValue("$p", path);
        return command.ExecuteScalar() is not null;
    }

    /// <summary>Oldest segments first, across cameras, for the disk guard.</summary>
    public List<VideoSegment> Oldest(int limit) =>
        Query($"SELECT {Columns} FROM video_segments ORDER BY start_ms LIMIT $l", p => p.AddWithValue("$l", limit));

    /// <summary>Segments of a camera that ended before the cutoff, oldest first.</summary>
    public List<VideoSegment> EndedBefore(string cameraId, long cutoffMs, int limit) =>
        Query($"SELECT {Columns} FROM video_segments WHERE camera_id = $c AND end_ms < $cut ORDER BY start_ms LIMIT $l", p =>
        {
            p.AddWithValue("$c", cameraId);
            p.AddWithValue("$cut", cutoffMs);
            p.AddWithValue("$l", limit);
        });

    public List<string> CameraIds()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT camera_id FROM video_segments";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    public long TotalBytes()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(size), 0) FROM video_segments";
        return (long)command.ExecuteScalar()!;
    }

    public void Delete(long id)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM video_segments WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
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
        using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE video_segments SET {column} = 1 WHERE camera_id = $c AND end_ms > $f AND start_ms <= $t";
        command.Parameters.AddWithValue("$c", cameraId);
        command.Parameters.AddWithValue("$f", fromMs);
        command.Parameters.AddWithValue("$t", toMs);
        return command.ExecuteNonQuery();
    }

    private List<VideoSegment> Query(string sql, Action<SqliteParameterCollection> bind)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command.Parameters);
        using var reader = command.ExecuteReader();
        var list = new List<VideoSegment>();
        while (reader.Read())
        {
            list.Add(new VideoSegment(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetString(5),
                reader.GetString(6), reader.GetInt64(7) != 0, reader.GetInt64(8) != 0, reader.GetInt64(9) != 0, reader.GetInt64(10) != 0));
        }

        return list;
    }
}
