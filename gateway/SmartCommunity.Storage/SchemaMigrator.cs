using System.Data.Common;
using Dapper;

namespace SmartCommunity.Storage;

/// <summary>
/// The one way schemas change, for every database the gateway keeps (its main database on either engine, and the
/// embedded time-series file): steps applied by their global <see cref="Migration.Order"/>, each in its own
/// transaction together with its row in <c>schema_migrations</c> (both engines have transactional DDL, so a
/// failed step leaves nothing half-done), never twice.
/// </summary>
public static class SchemaMigrator
{
    /// <summary>The steps in the order they are applied. Two steps with one number are a programming error.</summary>
    public static IReadOnlyList<Migration> Plan(IEnumerable<Migration> steps)
    {
        var plan = steps.OrderBy(m => m.Order).ToList();
        for (var i = 1; i < plan.Count; i++)
        {
            if (plan[i].Order == plan[i - 1].Order)
            {
                throw new InvalidOperationException(
                    $"Schema steps {plan[i - 1].Feature} v{plan[i - 1].Version} and {plan[i].Feature} v{plan[i].Version} share order {plan[i].Order}.");
            }
        }

        return plan;
    }

    /// <summary>Applies the steps not yet recorded; returns those it applied, in order.</summary>
    public static IReadOnlyList<Migration> Apply(DbConnection connection, SqlDialect dialect, IEnumerable<Migration> steps, long nowUnixMs)
    {
        var plan = Plan(steps);
        connection.Execute("CREATE TABLE IF NOT EXISTS schema_migrations (feature TEXT NOT NULL, version BIGINT NOT NULL, applied_at BIGINT NOT NULL, PRIMARY KEY (feature, version))");
        var applied = connection.Query<(string Feature, long Version)>("SELECT feature, version FROM schema_migrations").ToHashSet();
        var done = new List<Migration>();
        foreach (var step in plan)
        {
            if (applied.Contains((step.Feature, step.Version)))
            {
                continue;
            }

            var sql = dialect.Schema(dialect.Provider == DatabaseProvider.PostgreSql ? step.PostgreSql ?? step.Sql : step.Sql);
            using var transaction = connection.BeginTransaction();
            if (!string.IsNullOrWhiteSpace(sql))
            {
                connection.Execute(sql, transaction: transaction);
            }

            connection.Execute("INSERT INTO schema_migrations (feature, version, applied_at) VALUES (@Feature, @Version, @At)",
                new { step.Feature, Version = (long)step.Version, At = nowUnixMs }, transaction);
            transaction.Commit();
            done.Add(step);
        }

        return done;
    }
}
