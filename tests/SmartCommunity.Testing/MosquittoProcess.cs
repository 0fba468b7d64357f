using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SmartCommunity.Testing;

/// <summary>
/// A real mosquitto broker (Debian package <c>mosquitto</c>) on a free loopback port, with an optional
/// password file and ACL, that a test can stop and start again on the same port.
/// </summary>
public sealed class MosquittoProcess : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/mosquitto";

    private readonly string _directory;
    private Process? _process;

    private MosquittoProcess(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string ConfigPath => Path.Combine(_directory, "mosquitto.conf");

    public string Log => File.Exists(Path.Combine(_directory, "mosquitto.log")) ? File.ReadAllText(Path.Combine(_directory, "mosquitto.log")) : "";

    /// <summary>Starts mosquitto. With <paramref name="passwordFile"/> anonymous clients are refused and the ACL applies.</summary>
    public static async Task<MosquittoProcess> StartAsync(string? passwordFile = null, string? aclFile = null)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: install the Debian package 'mosquitto' (the test script does).");
        }

        var directory = Directory.CreateTempSubdirectory("sc-mosquitto-").FullName;
        var broker = new MosquittoProcess(directory, FreePort.Next());
        var config = new StringBuilder();
        config.AppendLine("per_listener_settings false");
        if (Environment.UserName == "root")
        {
            // Started as root, mosquitto drops to user 'mosquitto', which cannot write into our 0700 temp folder.
            config.AppendLine("user root");
        }

        config.AppendLine(CultureInfo.InvariantCulture, $"listener {broker.Port} 127.0.0.1");
        // Default 1000 drops messages for slow subscribers; tests count every message.
        config.AppendLine("max_queued_messages 0");
        config.AppendLine("max_inflight_messages 0");
        config.AppendLine("persistence false");
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

    public async Task StartAgainAsync()
    {
        var info = new ProcessStartInfo(Executable, ["-c", ConfigPath])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("mosquitto did not start.");
        _process = process;
        var listening = FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(10));
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(listening, exited) == exited || listening.IsFaulted)
        {
            var stderr = process.HasExited ? await process.StandardError.ReadToEndAsync() : "";
            throw new InvalidOperationException($"mosquitto did not listen on {Port}: {stderr} {Log}");
        }

        await listening;
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
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
}
