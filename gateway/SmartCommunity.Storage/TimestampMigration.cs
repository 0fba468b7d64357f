namespace SmartCommunity.Storage;

/// <summary>
/// Moves columns that held ISO-8601 text (<c>DateTimeOffset.ToString("O")</c>) to the one time representation of
/// the schema: Unix milliseconds, UTC, in a BIGINT. SQLite cannot change a column's type, so the value is copied
/// into a new column that then takes the old one's name; PostgreSQL converts in place.
/// </summary>
public static class TimestampMigration
{
    public static Migration ToUnixMs(int order, string feature, int version, params (string Table, string Column, bool Nullable)[] columns)
    {
        var sqlite = string.Concat(columns.Select(c => $"""
            ALTER TABLE {c.Table} ADD COLUMN {c.Column}__ms BIGINT{(c.Nullable ? "" : " NOT NULL DEFAULT 0")};
            UPDATE {c.Table} SET {c.Column}__ms = CASE WHEN typeof({c.Column}) = 'text'
                THEN CAST(ROUND((julianday({c.Column}) - 2440587.5) * 86400000.0) AS INTEGER) ELSE {c.Column} END;
            ALTER TABLE {c.Table} DROP COLUMN {c.Column};
            ALTER TABLE {c.Table} RENAME COLUMN {c.Column}__ms TO {c.Column};

            """));
        var postgres = string.Concat(columns.Select(c =>
            $"ALTER TABLE {c.Table} ALTER COLUMN {c.Column} TYPE BIGINT USING (EXTRACT(EPOCH FROM {c.Column}::timestamptz) * 1000)::BIGINT;\n"));
        return new Migration(order, feature, version, sqlite) { PostgreSql = postgres };
    }
}
