namespace SmartCommunity.Media.Input;

/// <summary>
/// The input half of an ffmpeg/ffprobe command: the arguments that go before the output (ending in <c>-i …</c>) and,
/// for a network stream, the text ffmpeg reads from its stdin (the concat list naming the URL with credentials).
/// </summary>
/// <param name="StandardInputForLog">What the stdin text opens, for logs (the URL with credentials masked).</param>
public sealed record MediaInput(IReadOnlyList<string> Arguments, string? StandardInput, IReadOnlyList<string> Secrets, string? StandardInputForLog = null);
