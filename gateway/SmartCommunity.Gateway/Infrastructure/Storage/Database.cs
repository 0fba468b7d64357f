using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace SmartCommunity.Gateway.Infrastructure.Storage;

/// <summary>
/// The gateway's one database, SQLite or PostgreSQL (<c>Database:Provider</c>). Features open pooled connections
/// here and talk to them with Dapper; <see cref="Dialect"/> covers the few differences. SQLite is one file in WAL
/// mode (readers never block the writer); PostgreSQL goes through one <see cref="NpgsqlDataSource"/>.
/// </summary>
public sealed class Database : IAsyncDisposable, IDisposable
{
    private readonly string? _sqlite;

    static Database()
    {
        // Columns are snake_case (cell_id), row classes PascalCase (CellId).
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    private readonly NpgsqlDataSource? _postgres;

    public Database(IOptions<DatabaseOptions> options, IOptions<StorageOptions> storage)
    {
        var settings = options.Value;
        if (settings.Provider == DatabaseProvider.PostgreSql)
        {
            Dialect = SqlDialect.PostgreSql;
            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
            }
            catch (ArgumentException ex)
            {
                // The builder's message names the keyword, never a value (so no password reaches the log).
                throw new InvalidOperationException($"Database:ConnectionString is not a valid PostgreSQL connection string: {ex.Message}", ex);
            }

            // Hot paths run the same INSERT for every row of a batch: let Npgsql prepare such statements on the server.
            if (builder.MaxAutoPrepare == 0)
            {
                builder.MaxAutoPrepare = 64;
            }

            Description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
            _postgres = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
        }
        else
        {
            Dialect = SqlDialect.Sqlite;
            var path = storage.Value.DatabasePath;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            _sqlite = new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Cache = SqliteCacheMode.Private,
                Pooling = true,
                DefaultTimeout = 30,
            }.ToString();
            Description = $"SQLite {path}";
        }
    }

    public SqlDialect Dialect { get; }

    /// <summary>Engine and place, without credentials (for logs and /health).</summary>
    public string Description { get; }

    public DbConnection Open()
    {
        if (_postgres is not null)
        {
            return _postgres.OpenConnection();
        }

        var connection = new SqliteConnection(_sqlite);
        connection.Open();
        ApplySqlitePragmas(connection);
        return connection;
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_sqlite);
        await connection.OpenAsync(cancellationToken);
        ApplySqlitePragmas(connection);
        return connection;
    }

    /// <summary>Null when a round trip to the database works; otherwise why not (for /health).</summary>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is DbException or IOException or TimeoutException or InvalidOperationException)
        {
            return $"{Description}: {ex.Message}";
        }
    }

    public ValueTask DisposeAsync() => _postgres?.DisposeAsync() ?? ValueTask.CompletedTask;

    public void Dispose() => _postgres?.Dispose();

    private static void ApplySqlitePragmas(SqliteConnection connection)
    {
        using var pragma = connection.CreateCommand();
        // WAL + NORMAL: a committed transaction survives a process crash; only a power cut may lose the last
        // transactions (https://www.sqlite.org/wal.html). busy_timeout lets concurrent writers queue.
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
        pragma.ExecuteNonQuery();
    }
}
