using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Shelters;

/// <summary>
/// Shelters are stored whole as JSON (changed rarely, by hand). Counting state is one JSON row per shelter, written
/// in the same transaction as the counted events, whose (device, boot, seq) primary key makes replays count once.
/// </summary>
internal sealed class ShelterSchema : ISchemaProvider
{
    public IEnumerable<Migration> Migrations =>
    [
        new(40, "shelters", 1, """
            CREATE TABLE shelters (
                id TEXT PRIMARY KEY,
                body TEXT NOT NULL,
                updated_at TEXT NOT NULL);
            CREATE TABLE shelter_audit (
                id {identity},
                shelter_id TEXT NOT NULL,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                detail TEXT);
            CREATE INDEX ix_shelter_audit_shelter ON shelter_audit (shelter_id, id);
            CREATE TABLE shelter_state (
                shelter_id TEXT PRIMARY KEY,
                body TEXT NOT NULL);
            CREATE TABLE shelter_events (
                device_id TEXT NOT NULL,
                boot BIGINT NOT NULL,
                seq BIGINT NOT NULL,
                shelter_id TEXT NOT NULL,
                entrance_id TEXT NOT NULL,
                source TEXT NOT NULL,
                ts BIGINT NOT NULL,
                people_in BIGINT NOT NULL,
                people_out BIGINT NOT NULL,
                applied INTEGER NOT NULL,
                PRIMARY KEY (device_id, boot, seq)) {without_rowid};
            CREATE INDEX ix_shelter_events_source ON shelter_events (shelter_id, entrance_id, source, ts);
            CREATE INDEX ix_shelter_events_ts ON shelter_events (ts);
            """),
        // One time representation (Unix ms): these were ISO-8601 text.
        TimestampMigration.ToUnixMs(110, "shelters", 2, ("shelters", "updated_at", false), ("shelter_audit", "at", false)),
    ];
}
