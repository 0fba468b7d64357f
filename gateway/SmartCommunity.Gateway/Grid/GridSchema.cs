using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Grid;

internal sealed class GridSchema : ISchemaProvider
{
    public IEnumerable<Migration> Migrations =>
    [
        new(10, "grid", 1, """
            CREATE TABLE grid_cells (
                id TEXT PRIMARY KEY,
                parent_id TEXT NULL REFERENCES grid_cells(id),
                level TEXT NOT NULL,
                name TEXT NOT NULL,
                lat DOUBLE PRECISION NULL,
                lon DOUBLE PRECISION NULL);
            CREATE TABLE people (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                duty TEXT NOT NULL,
                cells TEXT NOT NULL,
                phone TEXT NULL,
                webhook_url TEXT NULL,
                enabled INTEGER NOT NULL,
                password_hash TEXT NULL);
            CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY,
                person_id TEXT NOT NULL,
                expires_at BIGINT NOT NULL);
            """),
    ];
}
