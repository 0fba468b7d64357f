namespace SmartCommunity.Testing;

/// <summary>Every process's command line as <c>ps</c> shows it (<c>/proc/PID/cmdline</c>, NULs as spaces).</summary>
public static class ProcessTable
{
    public static List<string> CommandLines()
    {
        var lines = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
            {
                continue;
            }

            try
            {
                lines.Add(File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' '));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while being read.
            }
        }

        return lines;
    }
}
