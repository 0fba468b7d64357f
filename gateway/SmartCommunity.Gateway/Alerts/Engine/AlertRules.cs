namespace SmartCommunity.Gateway.Alerts.Engine;

/// <summary>
/// The data-driven rules, looked up in O(1) on the hot path: which group a trigger's type folds into, and which
/// types mute or are muted by which (Alertmanager's inhibit_rules with <c>equal: [source]</c>).
/// </summary>
internal sealed class AlertRules
{
    private readonly Dictionary<string, GroupRule> _groupOfType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GroupRule> _groupByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _mutedBy = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _mutes = new(StringComparer.Ordinal);

    public AlertRules(IEnumerable<InhibitRule> inhibit, IEnumerable<GroupRule> groups)
    {
        foreach (var group in groups)
        {
            _groupByName[group.Name] = group;
            foreach (var type in group.Types)
            {
                _groupOfType[type] = group;
            }
        }

        foreach (var rule in inhibit)
        {
            Add(_mutedBy, rule.Target, rule.Source);
            Add(_mutes, rule.Source, rule.Target);
        }
    }

    /// <summary>The type an alert is kept under: the group's name when the trigger's type belongs to a group.</summary>
    public string KeyType(string type) => _groupOfType.TryGetValue(type, out var group) ? group.Name : type;

    /// <summary>The group an alert type (already a key type) stands for, or null.</summary>
    public GroupRule? Group(string keyType) => _groupByName.GetValueOrDefault(keyType);

    /// <summary>Types whose open alert (same source) mutes an alert of <paramref name="type"/>.</summary>
    public IReadOnlyList<string> MutedBy(string type) => _mutedBy.TryGetValue(type, out var list) ? list : [];

    /// <summary>Types an open alert of <paramref name="type"/> mutes (same source).</summary>
    public IReadOnlyList<string> Mutes(string type) => _mutes.TryGetValue(type, out var list) ? list : [];

    private static void Add(Dictionary<string, List<string>> map, string key, string value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }
}
