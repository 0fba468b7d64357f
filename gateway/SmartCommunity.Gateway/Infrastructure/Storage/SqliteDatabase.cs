using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace SmartCommunity.Gateway.Infrastructure.Storage;

/// <summary>
/// The embedded database: one SQLite file in WAL mode (readers never block the writer), with each
/// feature's migrations applied at start. Connections are pooled by Microsoft.Data.Sqlite.
/// </summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;
    private readonly IEnumerable<ISchemaProvider> _schemas;
    private readonly ILogger<SqliteDatabase> _logger;
    private int _migrated;

    public SqliteDatabase(IOptions<StorageOptions> options, IEnumerable<ISchemaProvider> schemas, ILogger<SqliteDatabase> logger)
    {
        var path = options.Value.DatabasePath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _schemas = schemas;
        _logger = logger;
        FilePath = path;
    }

    public string FilePath { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // WAL + NORMAL: a committed transaction survives a process crash; only a power cut may lose the last
        // transactions (https://www.sqlite.org/wal.html). busy_timeout lets concurrent writers queue.
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Applies pending migrations once per process. Called by the start-up hosted service.</summary>
    public void Migrate()
    {
        if (Interlocked.Exchange(ref _migrated, 1) == 1)
        {
            return;
        }

        using var connection = Open();
        Execute(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (feature TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (feature, version))");
        var applied = new HashSet<(string, long)>();
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT feature, version FROM schema_migrations";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                applied.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        foreach (var migration in _schemas.SelectMany(s => s.Migrations).OrderBy(m => m.Feature, StringComparer.Ordinal).ThenBy(m => m.Version))
        {
            if (applied.Contains((migration.Feature, migration.Version)))
            {
                continue;
            }

            using var transaction = connection.BeginTransaction();
            Execute(connection, migration.Sql, transaction);
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_migrations (feature, version, applied_at) VALUES ($f, $v, $t)";
            record.Parameters.AddWithValue("$f", migration.Feature);
            record.Parameters.AddWithValue("$v", migration.Version);
            record.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToString("O"));
            record.ExecuteNonQuery();
            transaction.Commit();
            _logger.LogInformation("Applied schema migration {Feature} v{Version}", migration.Feature, migration.Version);
        }
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
