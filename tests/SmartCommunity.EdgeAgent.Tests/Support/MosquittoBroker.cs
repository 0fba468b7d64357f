using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SmartCommunity.EdgeAgent.Tests.Support;

/// <summary>
/// A real Debian mosquitto on a free 127.0.0.1 port, with a temp config. It can be stopped (SIGTERM, so it saves
/// its persistence file) and started again on the same port, keeping persistent subscriber sessions.
/// <c>max_inflight_messages 0</c> and <c>max_queued_messages 0</c> lift the per-client limits, so the broker never
/// drops or reorders what the tests count (its default queue of 1000 would).
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private const string Executable = "/usr/sbin/mosquitto";
    private readonly TempDirectory _dir = new();
    private readonly string _config;
    private Process? _process;

    private MosquittoBroker(int port, int? tlsPort)
    {
        Port = port;
        TlsPort = tlsPort;
        _config = Path.Combine(_dir.Path, "mosquitto.conf");
        File.WriteAllText(_config, string.Join('\n',
            TlsListener(),
            $"listener {port.ToString(CultureInfo.InvariantCulture)} 127.0.0.1",
            "allow_anonymous true",
            "user root",
            "max_queued_messages 0",
            "max_inflight_messages 0",
            "queue_qos0_messages true",
            "persistence true",
            $"persistence_location {_dir.Path}/",
            "autosave_interval 0",
            $"log_dest file {_dir.Path}/mosquitto.log",
            ""));
    }

    public int Port { get; }

    /// <summary>A second, TLS listener (self-signed certificate for 127.0.0.1 in <see cref="CertificateFile"/>), when asked for.</summary>
    public int? TlsPort { get; }

    public string CertificateFile => Path.Combine(_dir.Path, "broker.crt");

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<MosquittoBroker> StartAsync(bool withTls = false)
    {
        var broker = new MosquittoBroker(FreePort(), withTls ? FreePort() : null);
        await broker.StartAgainAsync();
        return broker;
    }

    /// <summary>Starts the broker (again) on the same port and waits until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            return;
        }

        _process?.Dispose();
        _process = Process.Start(new ProcessStartInfo(Executable, ["-c", _config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("mosquitto did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        await Eventually.TrueAsync(() => !_process.HasExited && Accepts(), () => $"mosquitto to listen on port {Port}: {Log()}", TimeSpan.FromSeconds(15));
    }

    /// <summary>Stops the broker with SIGTERM (it saves its state) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    public string Log()
    {
        var path = Path.Combine(_dir.Path, "mosquitto.log");
        return File.Exists(path) ? File.ReadAllText(path) : "(no log)";
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        _dir.Dispose();
    }

    private string TlsListener()
    {
        if (TlsPort is not { } tlsPort)
        {
            return "";
        }

        var key = Path.Combine(_dir.Path, "broker.key");
        using (var openssl = Process.Start(new ProcessStartInfo("openssl",
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", CertificateFile])
            { RedirectStandardError = true, UseShellExecute = false })!)
        {
            openssl.StandardError.ReadToEnd();
            openssl.WaitForExit();
        }

        return string.Join('\n',
            $"listener {tlsPort.ToString(CultureInfo.InvariantCulture)} 127.0.0.1",
            $"certfile {CertificateFile}",
            $"keyfile {key}",
            "");
    }

    private bool Accepts()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
