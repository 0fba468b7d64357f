using System.Globalization;
using System.Xml.Linq;

namespace SmartCommunity.Gb28181.Manscdp;

/// <summary>
/// One recording of a RecordInfo response (GB/T 28181-2016 A.2.6.6 文件目录检索应答, item of RecordList). Times are the
/// device's local wall-clock time, as the standard writes them (no zone).
/// </summary>
public sealed record RecordItem(string DeviceId, string? Name, string? FilePath, string? Address, DateTime Start, DateTime End, int Secrecy, string? Type,
    string? RecorderId, long? FileSize);

/// <summary>A complete answer to one RecordInfo query: every item the device announced (SumNum), and how many items it sent that were unusable.</summary>
public sealed record RecordList(string DeviceId, long Sn, int SumNum, IReadOnlyList<RecordItem> Items, int BadItems);

/// <summary>
/// Collects RecordInfo responses of one query (a device splits a long list over several MESSAGEs, as it does a
/// catalog) until SumNum items arrived. Bounded: SumNum above <see cref="MaxItems"/> is refused; an item with a
/// missing or impossible time is counted in <see cref="RecordList.BadItems"/> (it still counts towards SumNum, so one
/// bad item does not stall the whole answer).
/// </summary>
public sealed class RecordInfoCollector(string deviceId, long sn)
{
    public const int MaxItems = 10_000;

    private readonly Dictionary<(DateTime, DateTime, string?), RecordItem> _items = [];
    private int _bad;
    private int _sum = -1;

    public string DeviceId { get; } = deviceId;

    public long Sn { get; } = sn;

    /// <summary>Adds one response of this query. Returns the list when complete; otherwise null, with a reason when refused.</summary>
    public RecordList? Add(ManscdpMessage response, out string? refused)
    {
        refused = null;
        if (response.DeviceId != DeviceId || response.Sn != Sn)
        {
            refused = "foreign-response";
            return null;
        }

        if (!int.TryParse(response.Field("SumNum"), NumberStyles.None, CultureInfo.InvariantCulture, out var sum) || sum > MaxItems)
        {
            refused = "bad-sumnum";
            return null;
        }

        _sum = sum;
        foreach (var element in response.Root.Element("RecordList")?.Elements("Item") ?? [])
        {
            if (_items.Count + _bad >= MaxItems)
            {
                break;
            }

            var item = Read(element);
            if (item is null)
            {
                refused = "bad-item";
                _bad++;
                continue;
            }

            _items[(item.Start, item.End, item.FilePath)] = item; // A resent MESSAGE replaces its items, never doubles them.
        }

        return _items.Count + _bad >= _sum ? new RecordList(DeviceId, Sn, _sum, [.. _items.Values.OrderBy(i => i.Start)], _bad) : null;
    }

    /// <summary>What arrived so far, when the device stops short of SumNum (the query's timeout).</summary>
    public RecordList Partial() => new(DeviceId, Sn, Math.Max(_sum, 0), [.. _items.Values.OrderBy(i => i.Start)], _bad);

    private static RecordItem? Read(XElement item)
    {
        var id = Text(item, "DeviceID");
        if (id is null || id.Length > 64 || !TryParseTime(Text(item, "StartTime"), out var start) || !TryParseTime(Text(item, "EndTime"), out var end) || end < start)
        {
            return null;
        }

        var secrecy = int.TryParse(Text(item, "Secrecy"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s is 0 or 1 ? s : 0;
        long? size = long.TryParse(Text(item, "FileSize"), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : null;
        return new RecordItem(id, Text(item, "Name"), Text(item, "FilePath"), Text(item, "Address"), start, end, secrecy, Text(item, "Type"), Text(item, "RecorderID"), size);
    }

    /// <summary>
    /// A MANSCDP time (GB/T 28181-2016 A.2.1 dateTime: <c>YYYY-MM-DDThh:mm:ss</c>, optionally with fractions), years
    /// 2000–2099 only: a device clock at 1970 or 2106 is a fault, not a recording.
    /// </summary>
    public static bool TryParseTime(string? text, out DateTime value)
    {
        value = default;
        if (text is null || text.Length > 32
            || !DateTime.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFF", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out value))
        {
            return false;
        }

        return value.Year is >= 2000 and <= 2099;
    }

    /// <summary>The MANSCDP form of a local time.</summary>
    public static string FormatTime(DateTime local) => local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    private static string? Text(XElement item, string name)
    {
        var value = item.Element(name)?.Value.Trim();
        return string.IsNullOrEmpty(value) ? null : value.Length > 200 ? value[..200] : value;
    }
}
