using System.Globalization;
using System.Text.RegularExpressions;

namespace SmartCommunity.Gateway.Video.Recording;

/// <summary>
/// Segment files: <c>{camera}/{yyyy-MM-dd}/{run}-{000000}.ts</c> — the folder is the UTC date the recorder run started
/// (runs end at midnight UTC, so a folder holds one day), the run a random ID of the ffmpeg start, the number
/// ffmpeg's segment counter. Times are not in names: ffmpeg's <c>-strftime</c> has one-second resolution, and two
/// segments closed in the same second (the burst at the start of a run) overwrote each other.
/// </summary>
public static partial class SegmentNames
{
    /// <summary>The output pattern given to ffmpeg.</summary>
    public static string Pattern(string runFolder, string run) => Path.Combine(runFolder, run + "-%06d.ts");

    public static string NewRun() => Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64()))[..12];

    public static bool TryParse(string fileName, out string run, out int sequence)
    {
        var match = Name().Match(fileName);
        run = match.Success ? match.Groups[1].Value : "";
        sequence = match.Success && int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
        return match.Success && sequence >= 0;
    }

    /// <summary>The dated folder of a run started at this time.</summary>
    public static string DateFolder(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^([0-9a-f]{12})-(\d{6,9})\.ts$")]
    private static partial Regex Name();
}
