using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Video.Cameras;

/// <summary>
/// The video feature's tables: cameras (stored whole as JSON, credentials in columns of their own so the body can
/// be shown), the index of closed segments, camera events (bookmarks) and clip exports.
/// </summary>
internal sealed class VideoSchema : ISchemaProvider
{
    public IEnumerable<Migration> Migrations =>
    [
        new(60, "video", 1, """
            CREATE TABLE video_cameras (
                id TEXT PRIMARY KEY,
                body TEXT NOT NULL,
                username TEXT,
                password TEXT,
                updated_at TEXT NOT NULL);
            CREATE TABLE video_segments (
                id {identity},
                camera_id TEXT NOT NULL,
                start_ms BIGINT NOT NULL,
                end_ms BIGINT NOT NULL,
                size BIGINT NOT NULL,
                path TEXT NOT NULL UNIQUE,
                run TEXT NOT NULL,
                motion INTEGER NOT NULL DEFAULT 0,
                events INTEGER NOT NULL DEFAULT 0,
                evidence INTEGER NOT NULL DEFAULT 0,
                repaired INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX video_segments_camera_start ON video_segments (camera_id, start_ms);
            CREATE INDEX video_segments_camera_end ON video_segments (camera_id, end_ms);
            CREATE TABLE video_events (
                id {identity},
                camera_id TEXT NOT NULL,
                ts_ms BIGINT NOT NULL,
                type TEXT NOT NULL,
                zone TEXT,
                line TEXT,
                direction TEXT,
                track BIGINT,
                label TEXT,
                snapshot TEXT);
            CREATE INDEX video_events_camera_ts ON video_events (camera_id, ts_ms);
            CREATE TABLE video_clips (
                id TEXT PRIMARY KEY,
                camera_id TEXT NOT NULL,
                from_ms BIGINT NOT NULL,
                to_ms BIGINT NOT NULL,
                alert_id TEXT,
                state TEXT NOT NULL,
                path TEXT,
                size BIGINT,
                duration_ms BIGINT,
                error TEXT,
                requested_by TEXT NOT NULL,
                requested_at TEXT NOT NULL,
                finished_at TEXT);
            """),
        new(61, "video", 2, "CREATE INDEX video_segments_camera_run ON video_segments (camera_id, run, end_ms);"),
        // Camera events are replayed from the ingest journal after a crash: the same event must be stored once.
        new(62, "video", 3, """
            DELETE FROM video_events WHERE id NOT IN (
                SELECT MIN(id) FROM video_events GROUP BY camera_id, ts_ms, type, zone, line, direction, track);
            CREATE UNIQUE INDEX video_events_once ON video_events (
                camera_id, ts_ms, type, COALESCE(zone, ''), COALESCE(line, ''), COALESCE(direction, ''), COALESCE(track, -1));
            """),
        // One time representation (Unix ms): these were ISO-8601 text.
        TimestampMigration.ToUnixMs(120, "video", 4, ("video_cameras", "updated_at", false), ("video_clips", "requested_at", false), ("video_clips", "finished_at", true)),
    ];
}
