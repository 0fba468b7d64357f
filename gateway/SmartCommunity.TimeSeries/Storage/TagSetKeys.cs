using System.Text.Json;

namespace SmartCommunity.TimeSeries.Storage;

/// <summary>
/// The embedded store's text key of a tag set (a JSON array of [key, value] pairs in key order), remembered per tag
/// set: every reading of a device carries the same tags, and serialising them for every point was a third of the
/// store's write time in the ingest profile. Not thread-safe: the store uses it under its write gate.
/// </summary>
internal sealed class TagSetKeys
{
    /// <summary>Tag cardinality is bounded by design (docs/timeseries.md); past this many sets the cache starts over.</summary>
    private const int MaxSets = 100_000;

    private readonly Dictionary<TagSet, string> _keys = new(TagSetComparer.Instance);

    public string KeyOf(IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        if (_keys.TryGetValue(new TagSet(tags), out var key))
        {
            return key;
        }

        if (_keys.Count >= MaxSets)
        {
            _keys.Clear(); // should be rare: a bug upstream making tags out of free text
        }

        key = Serialize(tags);
        _keys[new TagSet([.. tags])] = key; // a copy: the point's own list belongs to its caller
        return key;
    }

    /// <summary>Tags as a JSON array of [key, value] pairs in key order: unambiguous whatever characters they hold.</summary>
    internal static string Serialize(IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        var pairs = new string[tags.Count][];
        for (var i = 0; i < tags.Count; i++)
        {
            pairs[i] = [tags[i].Key, tags[i].Value];
        }

        return JsonSerializer.Serialize(pairs);
    }

    private readonly record struct TagSet(IReadOnlyList<KeyValuePair<string, string>> Pairs);

    private sealed class TagSetComparer : IEqualityComparer<TagSet>
    {
        public static readonly TagSetComparer Instance = new();

        public bool Equals(TagSet x, TagSet y)
        {
            if (x.Pairs.Count != y.Pairs.Count)
            {
                return false;
            }

            for (var i = 0; i < x.Pairs.Count; i++)
            {
                if (!string.Equals(x.Pairs[i].Key, y.Pairs[i].Key, StringComparison.Ordinal) || !string.Equals(x.Pairs[i].Value, y.Pairs[i].Value, StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(TagSet obj)
        {
            var hash = default(HashCode);
            for (var i = 0; i < obj.Pairs.Count; i++)
            {
                hash.Add(obj.Pairs[i].Key, StringComparer.Ordinal);
                hash.Add(obj.Pairs[i].Value, StringComparer.Ordinal);
            }

            return hash.ToHashCode();
        }
    }
}
