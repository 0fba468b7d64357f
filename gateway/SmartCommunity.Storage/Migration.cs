namespace SmartCommunity.Storage;

/// <summary>
/// One schema step of one feature. <see cref="Order"/> is the step's place among every feature's steps: the
/// runner applies them by it, so a step may rely on any step with a lower number (a foreign key to another
/// feature's table, a data move between features). Take the next free number in docs/architecture.md's list (the time-series store's own file has its own list).
/// (<see cref="Feature"/>, <see cref="Version"/>) names the step in <c>schema_migrations</c>; applied steps
/// never run twice. <see cref="Sql"/> goes through <see cref="SqlDialect.Schema"/>.
/// </summary>
public sealed record Migration(int Order, string Feature, int Version, string Sql)
{
    /// <summary>PostgreSQL's text where it must differ (e.g. converting legacy SQLite data); null = <see cref="Sql"/>.</summary>
    public string? PostgreSql { get; init; }
}

/// <summary>A feature's schema, registered in DI and applied at start.</summary>
public interface ISchemaProvider
{
    IEnumerable<Migration> Migrations { get; }
}
