using System.Globalization;

namespace SmartCommunity.EdgeAgent.Devices;

/// <summary>
/// The per-device <c>boot</c> number: read, incremented and written back (fsync'd, then renamed into place) on every
/// agent start, so the gateway starts a new sequence window instead of taking the restarted <c>seq</c> for duplicates.
/// </summary>
internal static class BootCounter
{
    public static long Next(string path)
    {
        long previous = 0;
        if (File.Exists(path) && !long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out previous))
        {
            throw new InvalidDataException($"Boot counter file {path} does not hold a number; fix or delete it (deleting restarts boot at 1).");
        }

        var next = previous + 1;
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            file.Write(System.Text.Encoding.ASCII.GetBytes(next.ToString(CultureInfo.InvariantCulture)));
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        return next;
    }
}
