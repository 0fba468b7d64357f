using System.Data.Common;
using Dapper;

namespace SmartCommunity.Gateway.Infrastructure.Storage;

/// <summary>
/// Applies every feature's pending schema steps at start, in their global <see cref="Migration.Order"/>, each in
/// its own transaction with its record in <c>schema_migrations</c> (both engines have transactional DDL, so a
/// failed step leaves nothing half-done). A failure stops the start with the step's name.
/// </summary>
public sealed class MigrationRunner(Database database, IEnumerable<ISchemaProvider> schemas, TimeProvider time, ILogger<MigrationRunner> logger)
{
    private int _migrated;

    /// <summary>Every registered step, in the order they are applied. Two steps with one number are a programming error.</summary>
    public IReadOnlyList<Migration> Plan()
    {
        var steps = schemas.SelectMany(s => s.Migrations).OrderBy(m => m.Order).ToList();
        for (var i = 1; i < steps.Count; i++)
        {
            if (steps[i].Order == steps[i - 1].Order)
            {
                throw new InvalidOperationException(
                    $"Schema steps {steps[i - 1].Feature} v{steps[i - 1].Version} and {steps[i].Feature} v{steps[i].Version} share order {steps[i].Order}.");
            }
        }

        return steps;
    }

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
            connection.Execute("CREATE TABLE IF NOT EXISTS schema_migrations (feature TEXT NOT NULL, version BIGINT NOT NULL, applied_at BIGINT NOT NULL, PRIMARY KEY (feature, version))");
            var applied = connection.Query<(string Feature, long Version)>("SELECT feature, version FROM schema_migrations").ToHashSet();
            foreach (var step in plan)
            {
                if (applied.Contains((step.Feature, step.Version)))
                {
                    continue;
                }

                var sql = database.Dialect.Schema(database.Dialect.Provider == DatabaseProvider.PostgreSql ? step.PostgreSql ?? step.Sql : step.Sql);
                using var transaction = connection.BeginTransaction();
                if (!string.IsNullOrWhiteSpace(sql))
                {
                    connection.Execute(sql, transaction: transaction);
                }

                connection.Execute("INSERT INTO schema_migrations (feature, version, applied_at) VALUES (@Feature, @Version, @At)",
                    new { step.Feature, Version = (long)step.Version, At = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction);
                transaction.Commit();
                logger.LogInformation("Applied schema step {Order} ({Feature} v{Version})", step.Order, step.Feature, step.Version);
            }
        }
    }
}
