using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Devices;

internal sealed class DeviceSchema : ISchemaProvider
{
    public IEnumerable<Migration> Migrations =>
    [
        new(20, "devices", 1, """
            CREATE TABLE devices (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                cell_id TEXT NULL REFERENCES grid_cells(id),
                lat DOUBLE PRECISION NULL,
                lon DOUBLE PRECISION NULL,
                enabled INTEGER NOT NULL,
                attributes TEXT NOT NULL,
                secret_hash TEXT NOT NULL,
                created_at TEXT NOT NULL);
            CREATE TABLE device_presence (
                device_id TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
                online INTEGER NOT NULL,
                changed_at BIGINT NOT NULL,
                last_seen BIGINT NOT NULL);
            """),
        // One time representation (Unix ms): created_at was ISO-8601 text.
        TimestampMigration.ToUnixMs(100, "devices", 2, ("devices", "created_at", false)),
    ];
}
