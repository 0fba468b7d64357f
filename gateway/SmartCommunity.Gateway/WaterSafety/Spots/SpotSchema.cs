using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.WaterSafety.Spots;

/// <summary>Spots are stored whole as JSON: they are read once at start and changed rarely, by hand.</summary>
internal sealed class SpotSchema : ISchemaProvider
{
    public IEnumerable<Migration> Migrations =>
    [
        new("water_safety", 1, """
            CREATE TABLE water_spots (
                id TEXT PRIMARY KEY,
                body TEXT NOT NULL,
                updated_at TEXT NOT NULL);
            """),
    ];
}
