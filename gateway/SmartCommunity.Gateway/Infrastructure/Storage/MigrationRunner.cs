using System.Data.Common;

namespace SmartCommunity.Gateway.Infrastructure.Storage;

/// <summary>
/// Applies every feature's pending schema steps to the gateway's database at start (<see cref="SchemaMigrator"/>:
/// by their global <see cref="Migration.Order"/>, each in its own transaction). A failure stops the start.
/// </summary>
public sealed class MigrationRunner(Database database, IEnumerable<ISchemaProvider> schemas, TimeProvider time, ILogger<MigrationRunner> logger)
{
    private int _migrated;

    /// <summary>Every registered step, in the order they are applied. Two steps with one number are a programming error.</summary>
    public IReadOnlyList<Migration> Plan() => SchemaMigrator.Plan(schemas.SelectMany(s => s.Migrations));

    /// <summary>Applies pending steps once per process. Called by the start-up hosted service.</summary>
    public void Migrate()
    {
        if (Interlocked.Exchange(ref _migrated, 1) == 1)
        {
            return;
        }

        var plan = Plan();
        DbConnection connection;
        try
        {
            connection = database.Open();
        }
        catch (Exception ex) when (ex is DbException or IOException or TimeoutException or InvalidOperationException)
        {
            var setting = database.Dialect.Provider == DatabaseProvider.PostgreSql ? "Database:ConnectionString" : "Storage:DataDirectory";
            throw new InvalidOperationException($"Cannot open the database ({database.Description}); check {setting}: {ex.Message}", ex);
        }

        using (connection)
        {
            foreach (var step in SchemaMigrator.Apply(connection, database.Dialect, plan, time.GetUtcNow().ToUnixTimeMilliseconds()))
            {
                logger.LogInformation("Applied schema step {Order} ({Feature} v{Version})", step.Order, step.Feature, step.Version);
            }
        }
    }
}
