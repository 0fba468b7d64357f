using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Storage;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Infrastructure.Storage;

/// <summary>The one migration runner, on the engine the test run selected (SQLite, or PostgreSQL with SC_TEST_DATABASE).</summary>
public sealed class MigrationRunnerTests : IAsyncLifetime, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sc-migrations-").FullName;
    private Database _database = null!;

    public async Task InitializeAsync()
    {
        var options = new DatabaseOptions();
        if (PostgresProcess.Selected)
        {
            var settings = await PostgresProcess.GatewaySettingsAsync(_folder);
            options.Provider = DatabaseProvider.PostgreSql;
            options.ConnectionString = settings["Database:ConnectionString"];
        }

        _database = new Database(Options.Create(options), Options.Create(new StorageOptions { DataDirectory = _folder }));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _database.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void StepsRunInTheirGlobalOrderNotByFeatureName()
    {
        // "a_child" sorts before "z_parent" by name, but it fills the parent's table, which must exist first.
        Runner(new Schema(
            new Migration(2, "a_child", 1, "CREATE TABLE child (id TEXT PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES parent(id)); INSERT INTO parent (id) VALUES ('p')"),
            new Migration(1, "z_parent", 1, "CREATE TABLE parent (id TEXT PRIMARY KEY)"))).Migrate();

        using var connection = _database.Open();
        connection.Execute("INSERT INTO child (id, parent_id) VALUES ('c', 'p')");
        Assert.Equal(2, connection.ExecuteScalar<long>("SELECT COUNT(*) FROM schema_migrations"));
    }

    [Fact]
    public void AnAppliedStepIsNotRunAgainAtTheNextStart()
    {
        var schema = new Schema(new Migration(1, "f", 1, "CREATE TABLE once (id BIGINT)"));
        Runner(schema).Migrate();
        Runner(schema).Migrate(); // CREATE TABLE twice would throw.

        using var connection = _database.Open();
        Assert.Equal(1, connection.ExecuteScalar<long>("SELECT COUNT(*) FROM schema_migrations WHERE feature = 'f'"));
    }

    [Fact]
    public void TwoStepsWithOneOrderNumberStopTheStartNamingBoth()
    {
        var runner = Runner(new Schema(new Migration(5, "one", 1, "SELECT 1"), new Migration(5, "two", 1, "SELECT 1")));

        var error = Assert.Throws<InvalidOperationException>(runner.Migrate);
        Assert.Contains("one v1", error.Message, StringComparison.Ordinal);
        Assert.Contains("two v1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsoTextTimesBecomeUnixMillisecondsAndKeepTheirRows()
    {
        var at = new DateTimeOffset(2026, 3, 1, 8, 30, 15, 250, TimeSpan.FromHours(8));
        Runner(new Schema(new Migration(1, "legacy", 1, "CREATE TABLE legacy (id TEXT PRIMARY KEY, updated_at TEXT NOT NULL, finished_at TEXT)"))).Migrate();
        using (var connection = _database.Open())
        {
            connection.Execute("INSERT INTO legacy (id, updated_at, finished_at) VALUES ('a', @at, NULL), ('b', @at, @at)", new { at = at.ToString("O") });
        }

        Runner(new Schema(
            new Migration(1, "legacy", 1, "CREATE TABLE legacy (id TEXT PRIMARY KEY, updated_at TEXT NOT NULL, finished_at TEXT)"),
            TimestampMigration.ToUnixMs(2, "legacy", 2, ("legacy", "updated_at", false), ("legacy", "finished_at", true)))).Migrate();

        using var read = _database.Open();
        var rows = read.Query<(string Id, long UpdatedAt, long? FinishedAt)>("SELECT id, updated_at, finished_at FROM legacy ORDER BY id").ToList();
        Assert.Equal([("a", at.ToUnixTimeMilliseconds(), (long?)null), ("b", at.ToUnixTimeMilliseconds(), at.ToUnixTimeMilliseconds())], rows);
        // A number now, in both engines: ranges compare as numbers, not as text.
        Assert.Equal(2, read.ExecuteScalar<long>("SELECT COUNT(*) FROM legacy WHERE updated_at > @before", new { before = at.ToUnixTimeMilliseconds() - 1 }));
    }

    private MigrationRunner Runner(ISchemaProvider schema) =>
        new(_database, [schema], new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000)), NullLogger<MigrationRunner>.Instance);

    private sealed class Schema(params Migration[] steps) : ISchemaProvider
    {
        public IEnumerable<Migration> Migrations => steps;
    }
}
