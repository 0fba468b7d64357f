using System.Text;

namespace SmartCommunity.Media.Running;

/// <summary>Command lines as text: for logs (scrubbed) and from FFMpegCore's argument strings. Pure functions.</summary>
public static class CommandLine
{
    /// <summary>The command line for logs, with passwords and tokens replaced by <c>***</c>.</summary>
    public static string ForLog(string executable, IEnumerable<string> arguments, IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var known = secrets.ToArray();
        var line = new StringBuilder(executable);
        foreach (var argument in arguments)
        {
            var masked = MediaUrl.Scrub(argument, known);
            line.Append(' ').Append(masked.Contains(' ', StringComparison.Ordinal) || masked.Length == 0 ? $"\"{masked}\"" : masked);
        }

        return line.ToString();
    }

    /// <summary>
    /// Splits an FFMpegCore argument string (<c>FFMpegArgumentProcessor.Arguments</c>) into the list the runner
    /// starts: words separated by spaces, <c>"…"</c> grouping a path with spaces. FFMpegCore does not escape a
    /// <c>"</c> inside a path, so such a path is refused rather than split wrongly.
    /// </summary>
    public static IReadOnlyList<string> Split(string arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var result = new List<string>();
        var word = new StringBuilder();
        var quoted = false;
        var started = false;
        foreach (var c in arguments)
        {
            if (c == '"')
            {
                quoted = !quoted;
                started = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (started)
                {
                    result.Add(word.ToString());
                    word.Clear();
                    started = false;
                }
            }
            else
            {
                word.Append(c);
                started = true;
            }
        }

        if (quoted)
        {
            throw new ArgumentException("Unbalanced quote in ffmpeg arguments (a path containing '\"'?).", nameof(arguments));
        }

        if (started)
        {
            result.Add(word.ToString());
        }

        return result;
    }
}
