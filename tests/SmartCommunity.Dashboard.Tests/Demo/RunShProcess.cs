using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using SmartCommunity.Dashboard.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Dashboard.Tests.Demo;

/// <summary>
/// The real <c>./run.sh</c> as a newcomer starts it, on free ports and a data folder of the test's own, with the
/// binaries the test build made (<c>--no-build</c>). Stopped with SIGTERM, as the terminal's Ctrl-C would stop it.
/// </summary>
public sealed class RunShProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Process _process;

    private RunShProcess(Process process, int httpPort, int streamPort, string dataDirectory)
    {
        (_process, HttpPort, StreamPort, DataDirectory) = (process, httpPort, streamPort, dataDirectory);
    }

    public int HttpPort { get; }

    public int StreamPort { get; }

    public string DataDirectory { get; }

    public string BaseUrl => $"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}";

    public string Output => string.Join('\n', _output.TakeLast(60));

    public static RunShProcess Start(string dataDirectory, double speed, int httpPort, int mqttPort, int streamPort) =>
        Start(dataDirectory, httpPort, streamPort, new Dictionary<string, string>(),
        [
            "--no-build", "--demo-speed", speed.ToString(CultureInfo.InvariantCulture),
            "--http-port", httpPort.ToString(CultureInfo.InvariantCulture), "--mqtt-port", mqttPort.ToString(CultureInfo.InvariantCulture),
            "--stream-port", streamPort.ToString(CultureInfo.InvariantCulture), "--sip-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
            "--data-dir", dataDirectory,
        ]);

    /// <summary>
    /// Plain <c>./run.sh</c> as the README's quick start has it (it builds; default pace), placed only through the
    /// environment variables the README documents, so it cannot meet another run's ports or data.
    /// </summary>
    public static RunShProcess StartAsReadmeSays(string dataDirectory, int httpPort, int mqttPort, int streamPort) =>
        Start(dataDirectory, httpPort, streamPort, new Dictionary<string, string>
        {
            ["SC_HTTP_PORT"] = httpPort.ToString(CultureInfo.InvariantCulture),
            ["SC_MQTT_PORT"] = mqttPort.ToString(CultureInfo.InvariantCulture),
            ["SC_STREAM_PORT"] = streamPort.ToString(CultureInfo.InvariantCulture),
            ["SC_SIP_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["SC_DATA_DIR"] = dataDirectory,
        }, []);

    private static RunShProcess Start(string dataDirectory, int httpPort, int streamPort, Dictionary<string, string> environment, string[] arguments)
    {
        var info = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        info.ArgumentList.Add(Path.Combine(RepoPaths.Root, "run.sh"));
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        // The test's own settings must not reach run.sh in place of its defaults.
        foreach (var name in new[] { "SC_HTTP_PORT", "SC_MQTT_PORT", "SC_STREAM_PORT", "SC_SIP_PORT", "SC_DEMO_SPEED", "SC_DATA_DIR", "SC_ADMIN_PASSWORD" })
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        var run = new RunShProcess(process, httpPort, streamPort, dataDirectory);
        process.OutputDataReceived += (_, e) => run.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => run.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    /// <summary>Waits for the banner run.sh prints once the gateway answers (it fails if run.sh stops first).</summary>
    /// <param name="limit">Default 4 minutes (no build); a run that builds first needs longer on a loaded machine.</param>
    public Task WaitUntilRunningAsync(TimeSpan? limit = null) => Eventually.TrueAsync(() =>
    {
        Assert.False(_process.HasExited, "run.sh stopped:\n" + Output + "\n" + Logs());
        return _output.Any(l => l.Contains("SmartCommunity is running.", StringComparison.Ordinal));
    }, limit ?? TimeSpan.FromMinutes(4), "run.sh prints that the community is running");

    /// <summary>SIGTERM to run.sh; it stops what it started. Returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _process.WaitForExitAsync(limit.Token);
        return _process.ExitCode;
    }

    /// <summary>Processes still running that belong to this run (its data folder or stream port in their command line).</summary>
    public IReadOnlyList<string> Leftovers()
    {
        var marks = new[] { DataDirectory, $"127.0.0.1:{StreamPort.ToString(CultureInfo.InvariantCulture)}/" };
        var found = new List<string>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            try
            {
                var line = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (marks.Any(m => line.Contains(m, StringComparison.Ordinal)))
                {
                    found.Add($"{Path.GetFileName(dir)}: {line}");
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours.
            }
        }

        return found;
    }

    /// <summary>The tail of the gateway's and agent's logs, for a failing test's message.</summary>
    public string Logs()
    {
        var logs = Path.Combine(DataDirectory, "logs");
        return string.Join('\n', new[] { "gateway.log", "agent.log" }
            .Select(f => Path.Combine(logs, f))
            .Where(File.Exists)
            .Select(f => $"--- {f}\n" + string.Join('\n', File.ReadLines(f).TakeLast(30))));
    }

    public async ValueTask DisposeAsync()
    {
        // Runs after a failed assertion too: a stop that does not finish must not replace that failure with its own
        // timeout, so what is left is killed instead (the assertion above says what went wrong).
        try
        {
            if (!_process.HasExited)
            {
                await StopAsync();
            }
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    /// <summary>
    /// When run.sh said it starts the demo scenario (the edge agent, whose scenario clock starts then), or null before.
    /// The calm first minute is counted from here: a build before it may take minutes.
    /// </summary>
    public DateTimeOffset? ScenarioStartedAt { get; private set; }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            if (ScenarioStartedAt is null && line.StartsWith("Preparing the demo scenario", StringComparison.Ordinal))
            {
                ScenarioStartedAt = DateTimeOffset.UtcNow;
            }

            _output.Enqueue(line);
        }
    }
}
