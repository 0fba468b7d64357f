using Microsoft.Data.Sqlite;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Video.Clips;

/// <summary>Clip exports in SQLite, so a queued or running export survives a restart and is done then.</summary>
public sealed class ClipStore(SqliteDatabase database)
{
    private const string Columns = "id, camera_id, from_ms, to_ms, alert_id, state, size, duration_ms, error, requested_by, requested_at, finished_at, path";

    public void Add(Clip clip)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO video_clips (id, camera_id, from_ms, to_ms, alert_id, state, requested_by, requested_at)
            VALUES ($id, $c, $f, $t, $a, $s, $by, $at)
            """;
        command.Parameters.AddWithValue("$id", clip.Id);
        command.Parameters.AddWithValue("$c", clip.CameraId);
        command.Parameters.AddWithValue("$f", clip.From.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$t", clip.To.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$a", (object?)clip.AlertId ?? DBNull.Value);
        command.Parameters.AddWithValue("$s", clip.State);
        command.Parameters.AddWithValue("$by", clip.RequestedBy);
        command.Parameters.AddWithValue("$at", clip.RequestedAt.ToString("O"));
        command.ExecuteNonQuery();
    }

    public void Finish(string id, string state, string? path, long? size, long? durationMs, string? error, DateTimeOffset? at)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE video_clips SET state = $s, path = $p, size = $size, duration_ms = $d, error = $e, finished_at = $at WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$s", state);
        command.Parameters.AddWithValue("$p", (object?)path ?? DBNull.Value);
        command.Parameters.AddWithValue("$size", (object?)size ?? DBNull.Value);
        command.Parameters.AddWithValue("$d", (object?)durationMs ?? DBNull.Value);
        command.Parameters.AddWithValue("$e", (object?)error ?? DBNull.Value);
        command.Parameters.AddWithValue("$at", at is { } t ? t.ToString("O") : DBNull.Value);
        command.ExecuteNonQuery();
    }

    public (Clip Clip, string? Path)? Get(string id) =>
        Query($"SELECT {Columns} FROM video_clips WHERE id = $id", p => p.AddWithValue("$id", id)).Cast<(Clip, string?)?>().FirstOrDefault();

    public List<(Clip Clip, string? Path)> List(string? cameraId, int limit) =>
        Query($"SELECT {Columns} FROM video_clips WHERE ($c IS NULL OR camera_id = $c) ORDER BY requested_at DESC LIMIT $l", p =>
        {
            p.AddWithValue("$c", (object?)cameraId ?? DBNull.Value);
            p.AddWithValue("$l", limit);
        });

    /// <summary>Exports not finished when the gateway stopped.</summary>
    public List<(Clip Clip, string? Path)> Unfinished() =>
        Query($"SELECT {Columns} FROM video_clips WHERE state IN ('queued', 'running') ORDER BY requested_at", _ => { });

    private List<(Clip, string?)> Query(string sql, Action<SqliteParameterCollection> bind)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command.Parameters);
        using var reader = command.ExecuteReader();
        var list = new List<(Clip, string?)>();
        while (reader.Read())
        {
            list.Add((new Clip(reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetInt64(6), reader.IsDBNull(7) ? null : reader.GetInt64(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetString(9), DateTimeOffset.Parse(reader.GetString(10), System.Globalization.CultureInfo.InvariantCulture),
                reader.IsDBNull(11) ? null : DateTimeOffset.Parse(reader.GetString(11), System.Globalization.CultureInfo.InvariantCulture)), reader.IsDBNull(12) ? null : reader.GetString(12)));
        }

        return list;
    }
}
