namespace SmartCommunity.Media.Running;

/// <summary>What a one-shot run left: exit code (−1 when killed at its time limit), stdout, and stderr's tail (scrubbed).</summary>
public sealed record MediaResult(int ExitCode, byte[] Output, string Error)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>The tool could not be started at all (not installed, not executable): the reason names the binary.</summary>
public sealed class MediaToolMissingException(string message, Exception inner) : Exception(message, inner);
