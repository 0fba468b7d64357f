namespace SmartCommunity.Gateway.Infrastructure.Storage;

/// <summary>
/// One schema step of one feature. Versions are numbered per feature, so features grow their schemas
/// independently; applied steps are recorded in <c>schema_migrations</c> and never run twice.
/// </summary>
public sealed record Migration(string Feature, int Version, string Sql);

/// <summary>A feature's schema, registered in DI and applied at start.</summary>
public interface ISchemaProvider
{
    IEnumerable<Migration> Migrations { get; }
}
