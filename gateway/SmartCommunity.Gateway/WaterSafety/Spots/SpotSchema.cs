using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.WaterSafety.Spots;

/// <summary>Spots, reservoirs and discharge notices are stored whole as JSON: they are read once at start and changed rarely, by hand.</summary>
internal sealed class SpotSchema : ISchemaProvider
{
    public IEnumerable<Migration> Migrations =>
    [
        new(70, "water_safety", 1, """
            CREATE TABLE water_spots (
                id TEXT PRIMARY KEY,
                body TEXT NOT NULL,
                updated_at TEXT NOT NULL);
            """),
        new(71, "water_safety", 2, """
            CREATE TABLE water_reservoirs (
                id TEXT PRIMARY KEY,
                body TEXT NOT NULL);
            CREATE TABLE water_notices (
                id TEXT PRIMARY KEY,
                state TEXT NOT NULL,
                body TEXT NOT NULL);
            """),
        // One time representation (Unix ms): updated_at was ISO-8601 text.
        TimestampMigration.ToUnixMs(130, "water_safety", 3, ("water_spots", "updated_at", false)),
    ];
}
