using System.Data.Common;
using Dapper;

namespace SmartCommunity.Gateway.Infrastructure.Storage;

/// <summary>
/// Applies every feature's pending schema steps to the gateway's database at start (<see cref="SchemaMigrator"/>:
/// by their global <see cref="Migration.Order"/>, each in its own transaction). A failure stops the start.
/// </summary>
public sealed class MigrationRunner(Database database, IEnumerable<ISchemaProvider> schemas, TimeProvider time, ILogger<MigrationRunner> logger)
{
    /// <summary>The advisory lock that serialises schema steps across gateways ("scmigr" in ASCII).</summary>
    private const long MigrationLockKey = 0x73636d69677231;

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
            // Several gateways on one PostgreSQL (scale-out) may start at once: one applies the steps, the others
            // wait for it and then find nothing pending. A session lock, released before the connection goes back to the pool.
            var postgres = database.Dialect.Provider == DatabaseProvider.PostgreSql;
            if (postgres)
            {
                connection.Execute("SELECT pg_advisory_lock(@key)", new { key = MigrationLockKey });
            }

            try
            {
                foreach (var step in SchemaMigrator.Apply(connection, database.Dialect, plan, time.GetUtcNow().ToUnixTimeMilliseconds()))
                {
                    logger.LogInformation("Applied schema step {Order} ({Feature} v{Version})", step.Order, step.Feature, step.Version);
                }
            }
            finally
            {
                if (postgres)
                {
                    connection.Execute("SELECT pg_advisory_unlock(@key)", new { key = MigrationLockKey });
                }
            }
        }
    }
}
