using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SmartCommunity.Testing;

/// <summary>
/// A real PostgreSQL 15 cluster (Debian package <c>postgresql-15</c>) initialised into a temp folder, listening on a
/// free loopback port with its unix socket in that folder, stopped and deleted at the end. Local connections are
/// trusted, so no password exists anywhere (not on a command line, not in a file). A test can stop and start it
/// again on the same port and data. <see cref="Shared"/> is one cluster per test run, with a database per gateway.
/// </summary>
public sealed class PostgresProcess : IAsyncDisposable
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    /// <summary>Set to <c>PostgreSql</c> to run the gateway tests against PostgreSQL instead of SQLite (./test.sh does both).</summary>
    public const string EngineVariable = "SC_TEST_DATABASE";

    private static readonly Lazy<Task<PostgresProcess>> SharedCluster = new(StartSharedAsync);
    private readonly string _directory;
    private readonly bool _runAsPostgres;

    private PostgresProcess(string directory, int port, bool runAsPostgres)
    {
        _directory = directory;
        Port = port;
        _runAsPostgres = runAsPostgres;
    }

    public int Port { get; }

    public string DataDirectory => Path.Combine(_directory, "data");

    public string SocketDirectory => _directory;

    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    private string LogPath => Path.Combine(_directory, "postgres.log");

    /// <summary>Whether this test run's gateways use PostgreSQL (<see cref="EngineVariable"/>).</summary>
    public static bool Selected =>
        string.Equals(Environment.GetEnvironmentVariable(EngineVariable), "PostgreSql", StringComparison.OrdinalIgnoreCase);

    /// <summary>One cluster for the whole test run, started on first use and stopped when the process exits.</summary>
    public static Task<PostgresProcess> Shared => SharedCluster.Value;

    /// <summary>
    /// Settings that point a gateway at a database of its own in the shared cluster, named after its data folder,
    /// so a gateway reopened on the same folder (a restart) finds its data again.
    /// </summary>
    public static async Task<Dictionary<string, string>> GatewaySettingsAsync(string dataDirectory)
    {
        var cluster = await Shared.ConfigureAwait(false);
        var name = "sc_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory))))[..16];
        await cluster.EnsureDatabaseAsync(name).ConfigureAwait(false);
        return new Dictionary<string, string> { ["Database:Provider"] = "PostgreSql", ["Database:ConnectionString"] = cluster.ConnectionString(name) };
    }

    /// <param name="durable">
    /// False for test speed: no fsync, so only an OS crash could lose a commit. Commits stay synchronous (the WAL is
    /// written before COMMIT returns): tests stop the server with <c>-m immediate</c>, as a crash would, and with
    /// <c>synchronous_commit = off</c> that lost transactions the gateway had already been told were stored.
    /// </param>
    public static async Task<PostgresProcess> StartAsync(bool durable = false)
    {
        if (!File.Exists(Path.Combine(BinDirectory, "postgres")))
        {
            throw new InvalidOperationException($"{BinDirectory}/postgres is missing: install the Debian package 'postgresql-15' (deploy/scripts/install-deps.sh does).");
        }

        var directory = Directory.CreateTempSubdirectory("sc-postgres-").FullName;
        // PostgreSQL refuses to run as root: a root test run hands the folder to the package's 'postgres' user.
        var runAsPostgres = Environment.UserName == "root";
        var cluster = new PostgresProcess(directory, FreePort.Next(), runAsPostgres);
        if (runAsPostgres)
        {
            await cluster.RunAsync("/usr/bin/chown", ["postgres:postgres", directory], asPostgres: false).ConfigureAwait(false);
        }

        await cluster.RunAsync(Path.Combine(BinDirectory, "initdb"),
            ["-D", cluster.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]).ConfigureAwait(false);
        var settings = new StringBuilder();
        settings.AppendLine(CultureInfo.InvariantCulture, $"port = {cluster.Port}");
        settings.AppendLine("listen_addresses = '127.0.0.1'");
        settings.AppendLine(CultureInfo.InvariantCulture, $"unix_socket_directories = '{directory}'");
        // Every test host has its own pools; a parallel test run holds a few hundred connections at most.
        settings.AppendLine("max_connections = 400");
        settings.AppendLine("shared_buffers = 64MB");
        if (!durable)
        {
            settings.AppendLine("fsync = off");
            settings.AppendLine("full_page_writes = off");
        }

        await File.AppendAllTextAsync(Path.Combine(cluster.DataDirectory, "postgresql.conf"), settings.ToString()).ConfigureAwait(false);
        await cluster.StartAgainAsync().ConfigureAwait(false);
        return cluster;
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={database};Timeout=5;Command Timeout=60";

    /// <summary>Creates the database unless it exists.</summary>
    public async Task EnsureDatabaseAsync(string name)
    {
        var (code, output) = await TryRunAsync(Path.Combine(BinDirectory, "createdb"), ["-h", SocketDirectory, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", name]).ConfigureAwait(false);
        if (code != 0 && !output.Contains("already exists", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"createdb {name} failed: {output}");
        }
    }

    /// <summary>Starts the server (again) on the same port and data, and waits until it accepts connections.</summary>
    public Task StartAgainAsync() =>
        RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-l", LogPath, "-w", "-t", "60", "start"]);

    /// <summary>Stops the server at once (open connections are cut), as a crash or an outage would.</summary>
    public Task StopAsync() =>
        RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-w", "-t", "60", "-m", "immediate", "stop"]);

    public async ValueTask DisposeAsync()
    {
        await TryRunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-w", "-t", "60", "-m", "immediate", "stop"]).ConfigureAwait(false);
        DeleteFolder();
    }

    private static async Task<PostgresProcess> StartSharedAsync()
    {
        var cluster = await StartAsync().ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            // Test runners have no async end-of-run hook: stop synchronously as the process leaves.
            cluster.TryRunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", cluster.DataDirectory, "-w", "-t", "30", "-m", "immediate", "stop"]).GetAwaiter().GetResult();
            cluster.DeleteFolder();
        };
        return cluster;
    }

    private void DeleteFolder()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a dying server process; the temp folder is cleaned by the OS later.
        }
    }

    private async Task RunAsync(string executable, string[] arguments, bool asPostgres = true)
    {
        var (code, output) = await TryRunAsync(executable, arguments, asPostgres).ConfigureAwait(false);
        if (code != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(executable)} failed ({code}): {output} {Log}");
        }
    }

    private async Task<(int Code, string Output)> TryRunAsync(string executable, string[] arguments, bool asPostgres = true)
    {
        var info = _runAsPostgres && asPostgres
            ? new ProcessStartInfo("/usr/sbin/runuser", ["-u", "postgres", "--", executable, .. arguments])
            : new ProcessStartInfo(executable, arguments);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{executable} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        return (process.ExitCode, (await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false)));
    }
}
