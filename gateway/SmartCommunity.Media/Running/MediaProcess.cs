using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace SmartCommunity.Media.Running;

/// <summary>
/// One started ffmpeg/ffprobe process: arguments as a list (never a shell), <c>TZ=UTC</c>, the command's stdin text
/// written and closed, stderr's last lines kept scrubbed of the command's secrets, and the whole process tree killed
/// on <see cref="Kill"/> or dispose. The long-running users (recorder, frame pipe) hold one of these;
/// <see cref="MediaRunner"/> runs one-shot jobs through it.
/// </summary>
public sealed partial class MediaProcess : IDisposable
{
    private const int MaxLines = 16;
    private const int MaxLineChars = 500;
    private readonly Process _process;
    private readonly IReadOnlyList<string> _secrets;
    private readonly Queue<string> _errors = new();

    private readonly bool _raw;

    private MediaProcess(Process process, IReadOnlyList<string> secrets, bool raw)
    {
        _process = process;
        _raw = raw;
        _secrets = secrets;
        ErrorDrained = PumpErrorsAsync();
    }

    public int Id => _process.Id;

    /// <summary>stdout as bytes (raw frames, a probe's JSON).</summary>
    public Stream StandardOutput => _process.StandardOutput.BaseStream;

    /// <summary>stdin, for a command with <see cref="MediaCommand.RawStandardInput"/>: dispose it to end the input.</summary>
    public Stream StandardInput => _raw ? _process.StandardInput.BaseStream
        : throw new InvalidOperationException("This command's stdin was written and closed at its start.");

    /// <summary>stdout as text lines (the recorder's segment list).</summary>
    public StreamReader StandardOutputReader => _process.StandardOutput;

    /// <summary>Completes when stderr reached its end (the process is gone).</summary>
    public Task ErrorDrained { get; }

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Starts the command; <see cref="MediaToolMissingException"/> when the binary cannot be run.</summary>
    public static MediaProcess Start(MediaCommand command, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(logger);
        var info = new ProcessStartInfo(command.Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["TZ"] = "UTC";
        var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new MediaToolMissingException($"cannot start '{command.Executable}': {ex.Message} (install the Debian package ffmpeg)", ex);
        }

        LogStarted(logger, process.Id, command.ForLog());
        if (command.RawStandardInput)
        {
            return new MediaProcess(process, command.Secrets ?? [], raw: true);
        }

        try
        {
            if (command.StandardInput is { } text)
            {
                // A few hundred bytes: well under the pipe's buffer, so this never waits on ffmpeg.
                process.StandardInput.Write(text);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // ffmpeg exited before reading its stdin; its exit code and stderr say why.
        }

        return new MediaProcess(process, command.Secrets ?? [], raw: false);
    }

    /// <summary>stderr's last lines (scrubbed), joined with <paramref name="separator"/>.</summary>
    public string ErrorTail(string separator = "\n")
    {
        lock (_errors)
        {
            return string.Join(separator, _errors);
        }
    }

    /// <summary>Kills the process and its children; nothing when it has already exited.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private async Task PumpErrorsAsync()
    {
        await Task.Yield();
        try
        {
            while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                var clean = MediaUrl.Scrub(line.Trim(), _secrets);
                lock (_errors)
                {
                    if (_errors.Count == MaxLines)
                    {
                        _errors.Dequeue();
                    }

                    _errors.Enqueue(clean.Length > MaxLineChars ? clean[..MaxLineChars] : clean);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process is gone or was disposed while its stderr was still being read.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Started process {Pid}: {CommandLine}")]
    private static partial void LogStarted(ILogger logger, int pid, string commandLine);
}
