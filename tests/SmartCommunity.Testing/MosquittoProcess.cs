using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SmartCommunity.Testing;

/// <summary>
/// A real mosquitto broker (Debian package <c>mosquitto</c>) on a free loopback port, with an optional password
/// file and ACL, that a test can stop and start again on the same port. <c>max_inflight_messages 0</c> and
/// <c>max_queued_messages 0</c> lift the per-client limits, so the broker never drops or reorders what the tests
/// count (its default queue of 1000 would).
/// </summary>
public sealed class MosquittoProcess : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/mosquitto";

    private readonly string _directory;
    private readonly bool _persistent;
    private Process? _process;

    private MosquittoProcess(string directory, int port, int? tlsPort, bool persistent)
    {
        _directory = directory;
        Port = port;
        TlsPort = tlsPort;
        _persistent = persistent;
    }

    public int Port { get; }

    /// <summary>A second, TLS listener (self-signed certificate for 127.0.0.1 in <see cref="CertificateFile"/>), when asked for.</summary>
    public int? TlsPort { get; }

    public string CertificateFile => Path.Combine(_directory, "broker.crt");

    public string ConfigPath => Path.Combine(_directory, "mosquitto.conf");

    public bool IsRunning => _process is { HasExited: false };

    public string Log => File.Exists(Path.Combine(_directory, "mosquitto.log")) ? File.ReadAllText(Path.Combine(_directory, "mosquitto.log")) : "";

    /// <summary>Starts mosquitto.</summary>
    /// <param name="passwordFile">When given, anonymous clients are refused and <paramref name="aclFile"/> applies.</param>
    /// <param name="persistent">
    /// Keeps persistent sessions (and their queued QoS 0 and 1 messages) across <see cref="StopAsync"/> and
    /// <see cref="StartAgainAsync"/>: the stop is a SIGTERM, on which mosquitto saves its persistence file. Without
    /// it the stop is a kill and the broker starts again empty.
    /// </param>
    /// <param name="withTls">Adds <see cref="TlsPort"/>.</param>
    public static async Task<MosquittoProcess> StartAsync(string? passwordFile = null, string? aclFile = null, bool persistent = false, bool withTls = false)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: install the Debian package 'mosquitto' (the test script does).");
        }

        var directory = Directory.CreateTempSubdirectory("sc-mosquitto-").FullName;
        var broker = new MosquittoProcess(directory, FreePort.Next(), withTls ? FreePort.Next() : null, persistent);
        var config = new StringBuilder();
        config.AppendLine("per_listener_settings false");
        if (Environment.UserName == "root")
        {
            // Started as root, mosquitto drops to user 'mosquitto', which cannot write into our 0700 temp folder.
            config.AppendLine("user root");
        }

        config.AppendLine(CultureInfo.InvariantCulture, $"listener {broker.Port} 127.0.0.1");
        if (broker.TlsPort is { } tlsPort)
        {
            var key = Path.Combine(directory, "broker.key");
            await CreateCertificateAsync(key, broker.CertificateFile);
            config.AppendLine(CultureInfo.InvariantCulture, $"listener {tlsPort} 127.0.0.1");
            config.AppendLine(CultureInfo.InvariantCulture, $"certfile {broker.CertificateFile}");
            config.AppendLine(CultureInfo.InvariantCulture, $"keyfile {key}");
        }

        config.AppendLine("max_queued_messages 0");
        config.AppendLine("max_inflight_messages 0");
        if (persistent)
        {
            config.AppendLine("persistence true");
            config.AppendLine(CultureInfo.InvariantCulture, $"persistence_location {directory}/");
            config.AppendLine("autosave_interval 0");
            config.AppendLine("queue_qos0_messages true");
        }
        else
        {
            config.AppendLine("persistence false");
        }

        config.AppendLine(CultureInfo.InvariantCulture, $"log_dest file {Path.Combine(directory, "mosquitto.log")}");
        config.AppendLine("log_type error");
        config.AppendLine("log_type warning");
        config.AppendLine("log_type notice");
        if (passwordFile is not null)
        {
            config.AppendLine("allow_anonymous false");
            config.AppendLine(CultureInfo.InvariantCulture, $"password_file {passwordFile}");
            if (aclFile is not null)
            {
                config.AppendLine(CultureInfo.InvariantCulture, $"acl_file {aclFile}");
            }
        }
        else
        {
            config.AppendLine("allow_anonymous true");
        }

        await File.WriteAllTextAsync(broker.ConfigPath, config.ToString());
        await broker.StartAgainAsync();
        return broker;
    }

    /// <summary>Starts the broker (again) on the same ports, unless it runs, and waits until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            return;
        }

        _process?.Dispose();
        var info = new ProcessStartInfo(Executable, ["-c", ConfigPath])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("mosquitto did not start.");
        _process = process;
        var listening = FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(15));
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(listening, exited) == exited || listening.IsFaulted)
        {
            var stderr = process.HasExited ? await process.StandardError.ReadToEndAsync() : "";
            throw new InvalidOperationException($"mosquitto did not listen on {Port}: {stderr} {Log}");
        }

        await listening;
    }

    /// <summary>Stops the broker: a SIGTERM when persistent (it saves its sessions first), a kill otherwise.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            if (_persistent)
            {
                using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
                {
                    await term.WaitForExitAsync();
                }

                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            else
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A log file still open by a dying process; the temp folder is cleaned by the OS later.
        }
    }

    private static async Task CreateCertificateAsync(string keyFile, string certificateFile)
    {
        var info = new ProcessStartInfo("openssl",
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", keyFile, "-out", certificateFile])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var openssl = Process.Start(info) ?? throw new InvalidOperationException("openssl did not start.");
        var errors = await openssl.StandardError.ReadToEndAsync();
        await openssl.WaitForExitAsync();
        if (openssl.ExitCode != 0)
        {
            throw new InvalidOperationException("openssl could not make the broker's test certificate: " + errors);
        }
    }
}
