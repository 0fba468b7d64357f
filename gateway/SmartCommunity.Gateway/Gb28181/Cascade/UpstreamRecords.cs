using System.Xml.Linq;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.Video.Recording;
using SmartCommunity.Gb28181.Manscdp;

namespace SmartCommunity.Gateway.Gb28181.Cascade;

/// <summary>
/// The superior's RecordInfo query (GB/T 28181-2016 §9.7.1, A.2.4.5) about a camera of the community, answered from the
/// gateway's own recordings (A.2.6.6): its segments over the asked range, joined into spans wherever one ends less than
/// <see cref="JoinGap"/> before the next starts, each cut to the range, in device time (<see cref="Gb28181Options.DeviceUtcOffset"/>).
/// A span's <c>FilePath</c> is the channel and its start, which a playback INVITE's <c>t=</c> then names by time.
/// </summary>
public sealed class UpstreamRecords(Gb28181Options options, ICameraCatalog cameras, SegmentIndex index)
{
    /// <summary>Segments closer than this are one span (a recorder restart leaves a gap of a second or two).</summary>
    public static readonly TimeSpan JoinGap = TimeSpan.FromSeconds(3);

    /// <summary>At most this many spans are listed (the oldest first); a longer answer would take hundreds of MESSAGEs.</summary>
    public const int MaxItems = 500;

    /// <summary>The channel's recorded spans between two device-local times; empty for a camera the gateway does not have.</summary>
    public IReadOnlyList<XElement> Items(string channelId, DateTime startLocal, DateTime endLocal)
    {
        if (cameras.Find(channelId) is not { } camera || endLocal <= startLocal)
        {
            return [];
        }

        var from = new DateTimeOffset(startLocal, options.DeviceUtcOffset).ToUnixTimeMilliseconds();
        var to = new DateTimeOffset(endLocal, options.DeviceUtcOffset).ToUnixTimeMilliseconds();
        var spans = new List<(long Start, long End)>();
        foreach (var segment in index.Range(channelId, from, to))
        {
            if (spans.Count > 0 && segment.StartMs - spans[^1].End < JoinGap.TotalMilliseconds)
            {
                spans[^1] = (spans[^1].Start, Math.Max(spans[^1].End, segment.EndMs));
            }
            else if (spans.Count < MaxItems)
            {
                spans.Add((segment.StartMs, segment.EndMs));
            }
            else
            {
                break;
            }
        }

        return [.. spans.Select(span =>
        {
            var start = Local(Math.Max(span.Start, from));
            return new XElement("Item", new XElement("DeviceID", channelId), new XElement("Name", camera.Name),
                new XElement("FilePath", channelId + "/" + start.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture)),
                new XElement("Address", camera.CellId), new XElement("StartTime", RecordInfoCollector.FormatTime(start)),
                new XElement("EndTime", RecordInfoCollector.FormatTime(Local(Math.Min(span.End, to)))), new XElement("Secrecy", 0), new XElement("Type", "time"));
        })];
    }

    private DateTime Local(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToOffset(options.DeviceUtcOffset).DateTime;
}
