using System.Diagnostics;
using System.Globalization;
using SmartCommunity.Gb28181.Manscdp;

namespace SmartCommunity.Gb28181.Tests.Support;

/// <summary>
/// A real SIPp (Debian's sip-tester) playing a GB/T 28181 device from the scenarios in Scenarios/. The scenario is
/// copied into a private directory with its {{placeholders}} filled in (names as GB18030 bytes, as devices send them),
/// so no password goes on SIPp's command line. Linux only, as SIPp is.
/// </summary>
public sealed class SippProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private SippProcess(Process process, string directory, int localPort)
    {
        _process = process;
        _directory = directory;
        LocalPort = localPort;
    }

    public int LocalPort { get; }

    /// <summary>SIPp's private working directory (scenarios write what they learned here, e.g. invite.txt).</summary>
    public string Directory => _directory;

    /// <param name="scenario">File name in Scenarios/, e.g. <c>camera-register.xml</c>.</param>
    /// <param name="outOfCall">An out-of-call scenario (requests from the gateway, e.g. its Catalog query), or null.</param>
    /// <param name="transport"><c>u1</c> (UDP) or <c>t1</c> (TCP).</param>
    /// <param name="timeout">SIPp's own limit for the whole run (its <c>-timeout</c>).</param>
    /// <param name="localPort">SIPp's own port (a superior platform's the gateway is configured with), or 0 for a free one.</param>
    /// <param name="extraArguments">More SIPp options, e.g. <c>-deadcall_wait 0</c>.</param>
    public static SippProcess Start(int gatewayPort, string scenario, IReadOnlyDictionary<string, string> values, string? outOfCall = null, string transport = "u1", string timeout = "90s",
        int localPort = 0, IEnumerable<string>? extraArguments = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("sc-sipp-").FullName;
        values = new Dictionary<string, string>(values) { ["dir"] = directory };
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        localPort = localPort == 0 ? Testing.FreePort.Next() : localPort;
        var info = new ProcessStartInfo("sipp")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (var argument in (string[])[$"127.0.0.1:{gatewayPort.ToString(CultureInfo.InvariantCulture)}", "-sf", Render(directory, scenario, values),
            "-m", "1", "-i", "127.0.0.1", "-p", localPort.ToString(CultureInfo.InvariantCulture), "-t", transport, "-nostdin",
            "-timeout", timeout, "-timeout_error", "-trace_err", "-trace_msg"])
        {
            info.ArgumentList.Add(argument);
        }

        if (outOfCall is not null)
        {
            info.ArgumentList.Add("-oocsf");
            info.ArgumentList.Add(Render(directory, outOfCall, values));
        }

        foreach (var argument in extraArguments ?? [])
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("sipp did not start (is sip-tester installed?)");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SippProcess(process, directory, localPort);
    }

    /// <summary>Waits for SIPp to finish its call and returns its exit code (0: every call succeeded).</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>SIPp's message trace and errors, for a failing assertion's message.</summary>
    public string Trace() => string.Join("\n", System.IO.Directory.GetFiles(_directory, "*.log").Select(f => Path.GetFileName(f) + ":\n" + Tail(File.ReadAllText(f))));

    private static string Tail(string text) => text.Length > 6000 ? text[^6000..] : text;

    private static string Render(string directory, string scenario, IReadOnlyDictionary<string, string> values)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Scenarios", scenario));
        foreach (var (key, value) in values)
        {
            text = text.Replace("{{" + key + "}}", value, StringComparison.Ordinal);
        }

        var path = Path.Combine(directory, scenario);
        File.WriteAllBytes(path, ManscdpEncoding.Gb18030.GetBytes(text));
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        System.IO.Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Stops SIPp as a camera losing power would stop: no unregistering.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }
}
