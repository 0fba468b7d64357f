using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SmartCommunity.TimeSeries.Hosting;

/// <summary>
/// Runs a private InfluxDB 1.x server (<c>influxd -config FILE</c>) on loopback for tests and benchmarks: temp
/// meta/data/wal folders, random free ports for HTTP and for the RPC <c>bind-address</c> (default 8088, which would
/// clash between parallel runs), reporting disabled. <see cref="StopAsync"/> and <see cref="StartAsync(CancellationToken)"/> kill and
/// restart it on the same folders and ports, to play an outage.
/// </summary>
public sealed class InfluxDbProcess : IAsyncDisposable
{
    /// <summary>Where the Debian package <c>influxdb</c> installs the server.</summary>
    public const string DefaultExecutable = "/usr/bin/influxd";

    private const string InstallHint = "Install the Debian package that provides InfluxDB 1.x: apt-get install influxdb";

    private readonly string _executable;
    private readonly string _root;
    private readonly bool _ownsRoot;
    private readonly string _configPath;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputGate = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private Process? _process;

    private InfluxDbProcess(string executable, string root, bool ownsRoot)
    {
        _executable = executable;
        _root = root;
        _ownsRoot = ownsRoot;
        HttpPort = FreeLoopbackPort();
        RpcPort = FreeLoopbackPort();
        Url = new Uri($"http://127.0.0.1:{HttpPort}/");
        _configPath = Path.Combine(root, "influxdb.conf");
        File.WriteAllText(_configPath, Config(root, HttpPort, RpcPort));
    }

    public Uri Url { get; }

    public int HttpPort { get; }

    public int RpcPort { get; }

    /// <summary>The folder holding config, meta, data and wal.</summary>
    public string RootDirectory => _root;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// Writes a config and starts the server, waiting until <c>/ping</c> answers 204.
    /// Throws <see cref="InvalidOperationException"/> naming the Debian package when <c>influxd</c> is missing.
    /// </summary>
    /// <param name="rootDirectory">Folder to keep everything in; default a new temp folder, deleted on dispose.</param>
    public static async Task<InfluxDbProcess> StartAsync(string? rootDirectory = null, string? executable = null, CancellationToken cancellationToken = default)
    {
        executable ??= FindExecutable();
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"influxd was not found at {executable}. {InstallHint}");
        }

        var ownsRoot = rootDirectory is null;
        var root = rootDirectory is null ? Directory.CreateTempSubdirectory("sc-influxd-").FullName : Directory.CreateDirectory(rootDirectory).FullName;
        var server = new InfluxDbProcess(executable, root, ownsRoot);
        try
        {
            await server.StartAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts (again) on the same folders and ports and waits for <c>/ping</c>.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            return;
        }

        var info = new ProcessStartInfo(_executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-config");
        info.ArgumentList.Add(_configPath);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitForPingAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    /// <summary>Kills the server (SIGKILL: acknowledged writes are already in its WAL) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary><c>CREATE DATABASE</c> (idempotent in InfluxDB).</summary>
    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        var q = "CREATE DATABASE \"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        using var body = new FormUrlEncodedContent([new("q", q)]);
        using var response = await _http.PostAsync(new Uri(Url, "query"), body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode || text.Contains("\"error\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"CREATE DATABASE {name} failed: HTTP {(int)response.StatusCode} {text}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _http.Dispose();
        if (_ownsRoot)
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp folder left behind is not worth failing a test run over.
            }
        }
    }

    /// <summary>What the server printed (last 200 lines), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_outputGate)
            {
                return _output.ToString();
            }
        }
    }

    private async Task WaitForPingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process is null || _process.HasExited)
            {
                throw new InvalidOperationException($"influxd exited during start (exit code {_process?.ExitCode}). Output:\n{Output}");
            }

            try
            {
                using var response = await _http.GetAsync(new Uri(Url, "ping"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"influxd did not answer /ping on {Url} within {timeout}. Output:\n{Output}");
            }

            // Polling with a deadline: influxd offers no readiness signal other than /ping.
            await Task.Delay(50, cancellationToken);
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputGate)
        {
            if (_output.Length > 64 * 1024)
            {
                _output.Remove(0, _output.Length / 2);
            }

            _output.AppendLine(line);
        }
    }

    private static string FindExecutable()
    {
        if (File.Exists(DefaultExecutable))
        {
            return DefaultExecutable;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "influxd");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("influxd was not found (looked for /usr/bin/influxd and on PATH). " + InstallHint);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Config(string root, int httpPort, int rpcPort)
    {
        string Dir(string name) => Path.Combine(root, name).Replace("\\", "/", StringComparison.Ordinal);
        return string.Create(CultureInfo.InvariantCulture, $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{rpcPort}"

            [meta]
              dir = "{Dir("meta")}"

            [data]
              dir = "{Dir("data")}"
              wal-dir = "{Dir("wal")}"
              query-log-enabled = false

            [http]
              enabled = true
              bind-address = "127.0.0.1:{httpPort}"
              log-enabled = false

            [monitor]
              store-enabled = false

            [continuous_queries]
              enabled = false

            [logging]
              level = "warn"
              suppress-logo = true
            """);
    }
}
