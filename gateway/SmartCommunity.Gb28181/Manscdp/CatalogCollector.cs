using System.Globalization;

namespace SmartCommunity.Gb28181.Manscdp;

/// <summary>One channel of a Catalog response (GB/T 28181-2016 A.2.6.4, item of DeviceList).</summary>
public sealed record CatalogItem(string DeviceId, string Name, string? Manufacturer, string? Model, string? CivilCode, string? ParentId,
    bool Parental, bool Online, double? Longitude, double? Latitude, string? Event = null);

/// <summary>A complete catalog: every item the device announced, by <see cref="CatalogItem.DeviceId"/>.</summary>
public sealed record Catalog(string DeviceId, long Sn, IReadOnlyList<CatalogItem> Items);

/// <summary>
/// Collects Catalog responses by (device, SN) until SumNum items have arrived (a device splits a catalog over several
/// MESSAGEs, a few items each). Bounded: at most <see cref="MaxItems"/> items per catalog and
/// <see cref="MaxPending"/> catalogs at once; one not completed within <see cref="Timeout"/> is dropped.
/// </summary>
public sealed class CatalogCollector(TimeProvider time)
{
    public const int MaxItems = 10_000;
    public const int MaxPending = 1_000;

    private readonly Dictionary<(string Device, long Sn), Pending> _pending = [];
    private readonly Lock _lock = new();

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Adds one response. Returns the catalog when it is complete; otherwise null, with a reason when refused.</summary>
    public Catalog? Add(ManscdpMessage response, out string? refused)
    {
        refused = null;
        if (!int.TryParse(response.Field("SumNum"), NumberStyles.None, CultureInfo.InvariantCulture, out var sum) || sum > MaxItems)
        {
            refused = "bad-sumnum";
            return null;
        }

        var items = Items(response, out var bad);
        if (bad)
        {
            refused = "bad-item";
        }

        var now = time.GetUtcNow();
        lock (_lock)
        {
            Expire(now);
            var key = (response.DeviceId, response.Sn);
            if (!_pending.TryGetValue(key, out var pending))
            {
                if (_pending.Count >= MaxPending)
                {
                    refused = "too-many-pending";
                    return null;
                }

                _pending[key] = pending = new Pending(now);
            }

            foreach (var item in items)
            {
                if (pending.Items.Count < MaxItems)
                {
                    pending.Items[item.DeviceId] = item; // A repeated item (a resent MESSAGE) replaces, never doubles.
                }
            }

            if (pending.Items.Count < sum)
            {
                return null;
            }

            _pending.Remove(key);
            return new Catalog(response.DeviceId, response.Sn, [.. pending.Items.Values]);
        }
    }

    /// <summary>
    /// The items of a DeviceList (a Catalog response, or a Catalog NOTIFY whose items carry an <c>Event</c>: ON, OFF,
    /// VLOST, DEFECT, ADD, DEL, UPDATE, GB/T 28181-2016 A.2.5); <paramref name="bad"/> when one had no usable DeviceID.
    /// </summary>
    public static List<CatalogItem> Items(ManscdpMessage response, out bool bad)
    {
        bad = false;
        var items = new List<CatalogItem>();
        foreach (var element in response.Root.Element("DeviceList")?.Elements("Item") ?? [])
        {
            var id = element.Element("DeviceID")?.Value.Trim();
            if (string.IsNullOrEmpty(id) || id.Length > 64 || items.Count >= MaxItems)
            {
                bad = true;
                continue;
            }

            items.Add(new CatalogItem(id, Text(element, "Name") ?? id, Text(element, "Manufacturer"), Text(element, "Model"), Text(element, "CivilCode"),
                Text(element, "ParentID"), Text(element, "Parental") == "1",
                !string.Equals(Text(element, "Status"), "OFF", StringComparison.OrdinalIgnoreCase) && !string.Equals(Text(element, "Status"), "OFFLINE", StringComparison.OrdinalIgnoreCase),
                Number(element, "Longitude"), Number(element, "Latitude"), Text(element, "Event")?.ToUpperInvariant()));
        }

        return items;
    }

    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    private void Expire(DateTimeOffset now)
    {
        foreach (var (key, pending) in _pending.ToArray())
        {
            if (now - pending.Started > Timeout)
            {
                _pending.Remove(key);
            }
        }
    }

    private static string? Text(System.Xml.Linq.XElement item, string name)
    {
        var value = item.Element(name)?.Value.Trim();
        return string.IsNullOrEmpty(value) ? null : value.Length > 200 ? value[..200] : value;
    }

    private static double? Number(System.Xml.Linq.XElement item, string name) =>
        double.TryParse(Text(item, name), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;

    private sealed class Pending(DateTimeOffset started)
    {
        public DateTimeOffset Started { get; } = started;

        public Dictionary<string, CatalogItem> Items { get; } = new(StringComparer.Ordinal);
    }
}
