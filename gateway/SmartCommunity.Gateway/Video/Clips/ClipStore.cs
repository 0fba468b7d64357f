using Dapper;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Video.Clips;

/// <summary>Clip exports in the database, so a queued or running export survives a restart and is done then.</summary>
public sealed class ClipStore(Database database)
{
    private const string Columns = "id, camera_id, from_ms, to_ms, alert_id, state, size, duration_ms, error, requested_by, requested_at, finished_at, path";

    public void Add(Clip clip)
    {
        using var connection = database.Open();
        connection.Execute("""
            INSERT INTO video_clips (id, camera_id, from_ms, to_ms, alert_id, state, requested_by, requested_at)
            VALUES (@Id, @CameraId, @From, @To, @AlertId, @State, @RequestedBy, @RequestedAt)
            """, new
        {
            clip.Id,
            clip.CameraId,
            From = clip.From.ToUnixTimeMilliseconds(),
            To = clip.To.ToUnixTimeMilliseconds(),
            clip.AlertId,
            clip.State,
            clip.RequestedBy,
            RequestedAt = clip.RequestedAt.ToUnixTimeMilliseconds(),
        });
    }

    public void Finish(string id, string state, string? path, long? size, long? durationMs, string? error, DateTimeOffset? at)
    {
        using var connection = database.Open();
        connection.Execute("UPDATE video_clips SET state = @state, path = @path, size = @size, duration_ms = @durationMs, error = @error, finished_at = @finishedAt WHERE id = @id",
            new { id, state, path, size, durationMs, error, finishedAt = at?.ToUnixTimeMilliseconds() });
    }

    public (Clip Clip, string? Path)? Get(string id) =>
        Query($"SELECT {Columns} FROM video_clips WHERE id = @id", new { id }).Cast<(Clip, string?)?>().FirstOrDefault();

    public List<(Clip Clip, string? Path)> List(string? cameraId, int limit) =>
        Query($"SELECT {Columns} FROM video_clips WHERE (@cameraId IS NULL OR camera_id = @cameraId) ORDER BY requested_at DESC LIMIT @limit", new { cameraId, limit });

    /// <summary>Exports not finished when the gateway stopped.</summary>
    public List<(Clip Clip, string? Path)> Unfinished() =>
        Query($"SELECT {Columns} FROM video_clips WHERE state IN ('queued', 'running') ORDER BY requested_at", null);

    private List<(Clip, string?)> Query(string sql, object? parameters)
    {
        using var connection = database.Open();
        return connection.Query<ClipRow>(sql, parameters)
            .Select(r => (new Clip(r.Id, r.CameraId, DateTimeOffset.FromUnixTimeMilliseconds(r.FromMs), DateTimeOffset.FromUnixTimeMilliseconds(r.ToMs), r.AlertId, r.State,
                r.Size, r.DurationMs, r.Error, r.RequestedBy, DateTimeOffset.FromUnixTimeMilliseconds(r.RequestedAt),
                r.FinishedAt is { } finished ? DateTimeOffset.FromUnixTimeMilliseconds(finished) : null), r.Path))
            .ToList();
    }

    private sealed class ClipRow
    {
        public string Id { get; init; } = "";
        public string CameraId { get; init; } = "";
        public long FromMs { get; init; }
        public long ToMs { get; init; }
        public string? AlertId { get; init; }
        public string State { get; init; } = "";
        public long? Size { get; init; }
        public long? DurationMs { get; init; }
        public string? Error { get; init; }
        public string RequestedBy { get; init; } = "";
        public long RequestedAt { get; init; }
        public long? FinishedAt { get; init; }
        public string? Path { get; init; }
    }
}
