using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using SmartCommunity.Testing;

namespace SmartCommunity.Dashboard.Tests.Support;

/// <summary>
/// The real gateway as its own process on loopback ports (as the dashboard meets it in production), serving
/// <c>dashboards/web</c> with the demo community seeded. <see cref="StopAsync"/> and <see cref="StartAsync()"/>
/// restart it on the same ports and data, so a browser sees the connection drop and come back.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string _seedDirectory;
    private Process? _process;

    public GatewayProcess(string? seedOverridesJson = null)
    {
        WorkDirectory = Directory.CreateTempSubdirectory("sc-dash-").FullName;
        DataDirectory = Directory.CreateDirectory(Path.Combine(WorkDirectory, "data")).FullName;
        _seedDirectory = Directory.CreateDirectory(Path.Combine(WorkDirectory, "seed")).FullName;
        foreach (var file in Directory.GetFiles(RepoPaths.DemoSeed, "*.json"))
        {
            File.Copy(file, Path.Combine(_seedDirectory, Path.GetFileName(file)));
        }

        if (seedOverridesJson is not null)
        {
            // Read after the demo's files (name order), so its entries replace theirs by ID.
            File.WriteAllText(Path.Combine(_seedDirectory, "99-dashboard-tests.json"), seedOverridesJson);
        }

        HttpPort = FreePort.Next();
        MqttPort = FreePort.Next();
    }

    public string WorkDirectory { get; }

    public string DataDirectory { get; }

    public int HttpPort { get; }

    public int MqttPort { get; }

    public string BaseUrl => $"http://127.0.0.1:{HttpPort}";

    /// <summary>The last lines the gateway wrote, for a failing test's message.</summary>
    public string RecentOutput => string.Join('\n', _output.TakeLast(40));

    public async Task StartAsync()
    {
        if (!Directory.Exists(Path.Combine(RepoPaths.WebRoot, "node_modules")))
        {
            throw new InvalidOperationException($"The dashboard's libraries are not installed: run `npm ci` in {RepoPaths.WebRoot} (./test.sh does).");
        }

        var dll = Path.Combine(AppContext.BaseDirectory, "SmartCommunity.Gateway.dll");
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = WorkDirectory,
        };
        var settings = new Dictionary<string, string>
        {
            ["Urls"] = BaseUrl,
            ["Storage__DataDirectory"] = DataDirectory,
            ["Broker__Port"] = MqttPort.ToString(CultureInfo.InvariantCulture),
            ["Broker__BindAddress"] = "127.0.0.1",
            ["Seed__File"] = _seedDirectory,
            ["Auth__InitialAdminPassword"] = DemoPeople.AdminPassword,
            // The floor the option allows: hashing stays real, start-up stays quick.
            ["Auth__PasswordIterations"] = "10000",
            ["Dashboard__WebRoot"] = RepoPaths.WebRoot,
            ["Logging__LogLevel__Default"] = "Warning",
            // The recorder's free-disk guard (2 GiB by default) is not what these tests are about.
            ["Video__MinFreeBytes"] = "0",
            ["DOTNET_gcServer"] = "0",
        };
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("The gateway did not start.");
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The gateway exited with code {process.ExitCode} during start:\n{RecentOutput}");
            }

            try
            {
                if ((await http.GetAsync("/alive")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The gateway did not answer /alive in time:\n" + RecentOutput);
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Kills the gateway (the whole process tree), as a crash or a power cut would.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(timeout.Token);
        }

        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process: the temp folder is cleaned by the system later.
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200)
        {
            _output.TryDequeue(out _);
        }
    }
}
