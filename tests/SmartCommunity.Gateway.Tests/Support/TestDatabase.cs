using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Support;

/// <summary>
/// A test's own look into a gateway's store, whichever engine the run selected: the SQLite file in the data
/// folder (read-only), or the PostgreSQL database <see cref="PostgresProcess.GatewaySettingsAsync"/> gave that folder.
/// </summary>
public static class TestDatabase
{
    public static DbConnection Open(string dataDirectory)
    {
        DbConnection connection = PostgresProcess.Selected
            ? new NpgsqlConnection(PostgresProcess.GatewaySettingsAsync(dataDirectory).GetAwaiter().GetResult()["Database:ConnectionString"])
            : new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "smartcommunity.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection;
    }
}
