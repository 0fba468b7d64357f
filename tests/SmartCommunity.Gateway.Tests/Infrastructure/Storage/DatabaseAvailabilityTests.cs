using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using MQTTnet;
using Npgsql;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Infrastructure.Storage;

/// <summary>
/// The real gateway process against a real PostgreSQL: a bad connection string or an unreachable server stops the
/// start with a message naming the setting; a server that goes away while running shows in /health, the door log
/// retries instead of dropping, and the publisher is held back until the server is back.
/// </summary>
[Trait("Category", "Database")]
public sealed class DatabaseAvailabilityTests : IDisposable
{
    private const string Unit = "outage-door";
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("sc-db-availability-");

    [Theory]
    [InlineData("Hots=127.0.0.1;Database=x")]
    [InlineData("UNREACHABLE")]
    public async Task ABadConnectionStringStopsTheStartNamingTheSetting(string connectionString)
    {
        if (connectionString == "UNREACHABLE")
        {
            // Nothing listens on a free port.
            connectionString = $"Host=127.0.0.1;Port={FreePort.Next()};Username=gateway;Database=smartcommunity;Timeout=3";
        }

        var (exitCode, output) = await RunGatewayUntilExitAsync(new Dictionary<string, string>
        {
            ["Database__Provider"] = "PostgreSql",
            ["Database__ConnectionString"] = connectionString,
        });

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Database:ConnectionString", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostgreSqlWithoutAConnectionStringStopsTheStartNamingTheSetting()
    {
        var (exitCode, output) = await RunGatewayUntilExitAsync(new Dictionary<string, string> { ["Database__Provider"] = "PostgreSql" });

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Database:ConnectionString is required", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADatabaseThatGoesAwayShowsInHealthAndAcknowledgedEventsAreStoredWhenItIsBack()
    {
        await using var postgres = await PostgresProcess.StartAsync();
        await postgres.EnsureDatabaseAsync("outage");
        var connectionString = postgres.ConnectionString("outage");
        await using var gateway = await GatewayProcess.StartAsync(_work.FullName, deviceCount: 0,
            settings: new Dictionary<string, string>
            {
                ["Database__Provider"] = "PostgreSql",
                ["Database__ConnectionString"] = connectionString,
                ["Ingest__Workers"] = "1",
                ["Ingest__ReliableQueueCapacity"] = "16",
                ["DoorAccess__QueueCapacity"] = "1000",
            },
            extraDevices: [new { id = Unit, kind = "door-access", name = "Outage door", cellId = "c1", secret = "outage-door-secret" }]);

        using var client = await ConnectAsync(gateway);
        for (var seq = 1; seq <= 10; seq++)
        {
            Assert.True((await client.PublishAsync($"sc/v1/dev/{Unit}/event", Payloads.DoorEvent(seq, "passage", "in"))).IsSuccess);
        }

        await Eventually.TrueAsync(() => Task.FromResult(Stored(connectionString) == 10), TimeSpan.FromMinutes(1), "the first events stored");

        await postgres.StopAsync();
        await Eventually.TrueAsync(async () => (await HealthAsync(gateway)).Contains("\"Database\"", StringComparison.Ordinal), TimeSpan.FromMinutes(1),
            "/health reporting the database");

        // More events than the door log's queue and the ingest queue hold: while the database is away they are
        // journaled and acknowledged until the queues are full, then the publisher is held.
        const int During = 2_000;
        var acknowledged = 0;
        var publishing = Task.Run(async () =>
        {
            var connection = client;
            for (var seq = 11; seq < 11 + During; seq++)
            {
                try
                {
                    var result = await connection.PublishAsync($"sc/v1/dev/{Unit}/event", Payloads.DoorEvent(seq, "passage", "in"));
                    if (!result.IsSuccess)
                    {
                        seq--; // Not taken: send it again, as the edge agent does.
                        continue;
                    }

                    Interlocked.Increment(ref acknowledged);
                }
                catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException)
                {
                    // The connection was dropped before the PUBACK: reconnect and send the same event again (store-and-forward).
                    seq--;
                    connection.Dispose();
                    connection = await ConnectAsync(gateway);
                }
            }
        });

        await Eventually.TrueAsync(async () => await gateway.MetricAsync("sc_door_events_queue_full_total") > 0, TimeSpan.FromMinutes(2),
            "the door log's queue full, holding the ingest worker");
        Assert.False(publishing.IsCompleted, "every event was acknowledged although nothing could be stored");
        Assert.True(Volatile.Read(ref acknowledged) < During);

        await postgres.StartAgainAsync();
        // What was committed before the outage survives it (the server was stopped as a crash stops it).
        Assert.Equal(10, StoredUpTo(connectionString, 10));
        await publishing.WaitAsync(TimeSpan.FromMinutes(3));
        await Eventually.TrueAsync(() => Stored(connectionString) == 10 + During,
            () => $"every acknowledged event stored ({Stored(connectionString)} of {10 + During}, {Volatile.Read(ref acknowledged)} acknowledged during the outage); the gateway said:\n{gateway.RecentOutput}", TimeSpan.FromMinutes(2));
        Assert.Equal(0, await gateway.MetricAsync("sc_door_events_dropped_total"));
        await Eventually.TrueAsync(async () => !(await HealthAsync(gateway)).Contains("\"Database\"", StringComparison.Ordinal), TimeSpan.FromMinutes(1),
            "/health without the database problem");
    }

    public void Dispose() => _work.Delete(recursive: true);

    private static long Stored(string connectionString)
    {
        try
        {
            using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
            connection.Open();
            return connection.ExecuteScalar<long>("SELECT COUNT(*) FROM door_events");
        }
        catch (NpgsqlException)
        {
            return -1; // The server is still starting.
        }
    }

    private static long StoredUpTo(string connectionString, int seq)
    {
        using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        connection.Open();
        return connection.ExecuteScalar<long>("SELECT COUNT(*) FROM door_events WHERE seq <= @seq", new { seq });
    }

    private static async Task<string> HealthAsync(GatewayProcess gateway)
    {
        using var response = await gateway.Http.GetAsync("/health");
        var body = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("services").GetRawText();
    }

    private static async Task<IMqttClient> ConnectAsync(GatewayProcess gateway)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        // A held PUBACK is the point of the test: the client waits for it as long as it takes.
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", gateway.MqttPort).WithClientId(Unit).WithCredentials(Unit, "outage-door-secret")
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithTimeout(TimeSpan.FromMinutes(5)).Build());
        return client;
    }

    private async Task<(int ExitCode, string Output)> RunGatewayUntilExitAsync(Dictionary<string, string> settings)
    {
        var data = _work.CreateSubdirectory("gateway-" + Guid.NewGuid().ToString("N")[..8]).FullName;
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "SmartCommunity.Gateway.dll")])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = data,
        };
        info.Environment["Urls"] = $"http://127.0.0.1:{FreePort.Next()}";
        info.Environment["Storage__DataDirectory"] = data;
        info.Environment["Broker__Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        info.Environment["Broker__BindAddress"] = "127.0.0.1";
        info.Environment["Auth__InitialAdminPassword"] = "availability-admin-password";
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("The gateway did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("The gateway kept running with a database it cannot use.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
