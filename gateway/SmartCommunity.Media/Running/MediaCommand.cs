using SmartCommunity.Media.Input;

namespace SmartCommunity.Media.Running;

/// <summary>
/// One ffmpeg/ffprobe invocation: the executable, its arguments as a list (never through a shell), the text written
/// to its stdin (a stream's concat list, holding its credentials) and the secrets to scrub from whatever is logged.
/// With <paramref name="RawStandardInput"/> stdin stays open for the caller's bytes (raw frames to encode) instead.
/// </summary>
public sealed record MediaCommand(string Executable, IReadOnlyList<string> Arguments, string? StandardInput = null, IReadOnlyList<string>? Secrets = null,
    string? StandardInputForLog = null, bool RawStandardInput = false)
{
    /// <summary>A command whose input is <paramref name="input"/>, with <paramref name="before"/> ahead of it and <paramref name="after"/> (the output) behind.</summary>
    public static MediaCommand With(string executable, IEnumerable<string> before, MediaInput input, IEnumerable<string> after)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new MediaCommand(executable, [.. before, .. input.Arguments, .. after], input.StandardInput, input.Secrets, input.StandardInputForLog);
    }

    /// <summary>The command line as logged: every argument scrubbed, quoted when it has a space. stdin is never shown, only what it opens.</summary>
    public string ForLog()
    {
        var line = CommandLine.ForLog(Executable, Arguments, Secrets ?? []);
        return StandardInputForLog is null ? line : line + " (stdin: " + MediaUrl.Scrub(StandardInputForLog, Secrets ?? []) + ")";
    }
}
