using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace SmartCommunity.Testing;

/// <summary>
/// The real gateway as its own process (as in production), built next to the test or benchmark that uses it,
/// with a generated seed of <c>deviceCount</c> water-level stations <c>bench-00001…</c> whose secrets are
/// <see cref="SecretOf"/>. <see cref="KillAsync"/> and <see cref="RestartAsync"/> crash it (SIGKILL) and start it
/// again on the same data directory and ports, as a power cut and a supervisor would.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly ProcessStartInfo _start;
    private const int OutputLinesKept = 400;
    private readonly HttpClient _http;
    private readonly ConcurrentQueue<string> _output;
    private readonly string _readyPath;
    private Process _process;

    private GatewayProcess(ProcessStartInfo start, Process process, ConcurrentQueue<string> output, int httpPort, int mqttPort, string dataDirectory, string readyPath)
    {
        _start = start;
        _output = output;
        _process = process;
        _readyPath = readyPath;
        HttpPort = httpPort;
        MqttPort = mqttPort;
        DataDirectory = dataDirectory;
        _http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
    }

    public int HttpPort { get; }

    public string BaseUrl => $"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}";

    public int MqttPort { get; }

    public string DataDirectory { get; }

    public int ProcessId => _process.Id;

    public static string DeviceId(int i) => "bench-" + i.ToString("00000", CultureInfo.InvariantCulture);

    public static string SecretOf(string deviceId) => "bench-secret-" + deviceId;

    /// <param name="extraDevices">Seed entries added after the generated stations (e.g. a camera and a loudspeaker).</param>
    /// <param name="extraSections">Further seed sections by name (e.g. <c>spots</c>).</param>
    public static async Task<GatewayProcess> StartAsync(string workDirectory, int deviceCount, IDictionary<string, string>? settings = null,
        IEnumerable<object>? extraDevices = null, IReadOnlyDictionary<string, object>? extraSections = null)
    {
        var data = Directory.CreateDirectory(Path.Combine(workDirectory, "gateway-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var seed = Path.Combine(data, "seed.json");
        var document = new Dictionary<string, object>
        {
            ["cells"] = new[] { new { id = "c1", level = "Community", name = "Bench" } },
            ["devices"] = Enumerable.Range(1, deviceCount)
                .Select(i => (object)new { id = DeviceId(i), kind = "water-level", name = "Bench " + i, cellId = "c1", secret = SecretOf(DeviceId(i)) })
                .Concat(extraDevices ?? []).ToList(),
        };
        foreach (var (name, section) in extraSections ?? new Dictionary<string, object>())
        {
            document[name] = section;
        }

        await File.WriteAllTextAsync(seed, JsonSerializer.Serialize(document));

        return await LaunchAsync(data, seed, settings, "/health");
    }

    /// <summary>
    /// The gateway on a seed of the caller's: one file, or a folder whose files are read in name order (the demo
    /// community's). It is ready when <paramref name="readyPath"/> answers 2xx: <c>/health</c>, or <c>/alive</c> for a
    /// seed with devices that are not there (a browser test's demo community), which keep <c>/health</c> unhealthy.
    /// </summary>
    public static Task<GatewayProcess> StartWithSeedAsync(string workDirectory, string seed, IDictionary<string, string>? settings = null, string readyPath = "/health")
    {
        var data = Directory.CreateDirectory(Path.Combine(workDirectory, "gateway-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        return LaunchAsync(data, seed, settings, readyPath);
    }

    private static async Task<GatewayProcess> LaunchAsync(string data, string seed, IDictionary<string, string>? settings, string readyPath)
    {
        var httpPort = FreePort.Next();
        var mqttPort = FreePort.Next();
        var dll = Path.Combine(AppContext.BaseDirectory, "SmartCommunity.Gateway.dll");
        var info = new ProcessStartInfo("dotnet", [dll]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = data };
        var all = new Dictionary<string, string>
        {
            ["Urls"] = $"http://127.0.0.1:{httpPort}",
            ["Storage__DataDirectory"] = data,
            ["Broker__Port"] = mqttPort.ToString(CultureInfo.InvariantCulture),
            ["Broker__BindAddress"] = "127.0.0.1",
            ["Seed__File"] = seed,
            ["Auth__InitialAdminPassword"] = AdminPassword,
            ["Logging__LogLevel__Default"] = "Warning",
            ["DOTNET_gcServer"] = "0",
        };
        if (PostgresProcess.Selected)
        {
            // The PostgreSQL run of the suite: a database of its own in the run's cluster.
            foreach (var (key, value) in await PostgresProcess.GatewaySettingsAsync(data))
            {
                all[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        foreach (var (key, value) in all)
        {
            info.Environment[key] = value;
        }

        var output = new ConcurrentQueue<string>();
        var gateway = new GatewayProcess(info, Launch(info, output), output, httpPort, mqttPort, data, readyPath);
        await gateway.WaitReadyAsync();
        return gateway;
    }

    /// <summary>An HTTP client for the gateway's API (the caller signs in as it needs).</summary>
    public HttpClient Http => _http;

    /// <summary>The first-run admin's password (the process gets it from its environment, never its command line).</summary>
    public const string AdminPassword = "bench-admin-password";

    /// <summary>A new API client signed in as the first-run admin; the caller disposes it.</summary>
    public async Task<HttpClient> SignInAsAdminAsync()
    {
        var http = new HttpClient { BaseAddress = _http.BaseAddress };
        var login = await http.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = AdminPassword });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL, as a crash or power cut would end it: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, as systemd or an operator stops it: the host's shutdown code runs; waits for the exit.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return _process.ExitCode;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>Starts the gateway again on the same data directory, ports and settings, after <see cref="KillAsync"/>.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        _process.Dispose();
        _process = Launch(_start, _output);
        await WaitReadyAsync();
    }

    /// <summary>
    /// The process's last few hundred lines of output (its log at the level the test set, Warning by default), for a
    /// failing test's message: a test that times out waiting should say what the gateway said meanwhile.
    /// </summary>
    public string RecentOutput => string.Join('\n', _output);

    /// <summary>The process's environment (its settings), e.g. <c>Database__ConnectionString</c> in the PostgreSQL run.</summary>
    public IDictionary<string, string?> Environment => _start.Environment;

    private static Process Launch(ProcessStartInfo info, ConcurrentQueue<string> output)
    {
        var process = Process.Start(info) ?? throw new InvalidOperationException("The gateway did not start.");
        void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            output.Enqueue(line);
            while (output.Count > OutputLinesKept && output.TryDequeue(out _))
            {
            }
        }

        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            Keep(e.Data);
            if (e.Data is not null)
            {
                Console.Error.WriteLine("[gateway] " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The gateway exited with code {_process.ExitCode} during start:\n{RecentOutput}");
            }

            string answer;
            try
            {
                using var response = await _http.GetAsync(_readyPath);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                answer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                answer = ex.Message; // Not listening yet, or too busy to answer in time.
            }

            // An unhealthy answer is as much a failed start as no answer: waiting for ever hangs the whole test run.
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The gateway was not ready within 3 minutes; {_readyPath} said: {answer}\n{RecentOutput}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The whole <c>/metrics</c> text (for histograms).</summary>
    public Task<string> MetricsTextAsync() => _http.GetStringAsync("/metrics");

    /// <summary>Reads one counter (sum over all label sets whose text contains <paramref name="labelFilter"/>).</summary>
    public async Task<double> MetricAsync(string name, string labelFilter = "") => SumOf(await MetricsTextAsync(), name, labelFilter);

    /// <summary>One counter summed from a <c>/metrics</c> text already fetched (several counters from one scrape).</summary>
    public static double SumOf(string text, string name, string labelFilter = "")
    {
        double sum = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal) && (line.Length > name.Length && line[name.Length] is ' ' or '{') && line.Contains(labelFilter, StringComparison.Ordinal))
            {
                sum += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    /// <summary>Resident set size of the gateway process, megabytes (from /proc, as `ps` reports it).</summary>
    public double ResidentMegabytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return double.NaN;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
