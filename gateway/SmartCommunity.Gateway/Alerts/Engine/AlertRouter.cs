using SmartCommunity.Gateway.Grid;

namespace SmartCommunity.Gateway.Alerts.Engine;

/// <summary>People notified together at one escalation step: one duty level, from the nearest cell that has it.</summary>
internal sealed record RouteTier(Duty Duty, string? CellId, IReadOnlyList<Person> People);

/// <summary>
/// Who gets an alert, step by step (网格化管理): for each duty level in order guard → grid chief → community →
/// staff, the people of that duty responsible for the nearest cell on the path from the alert's cell to the
/// root. Levels nobody holds are skipped. The staff tier is limited to the emergency and public-security roles
/// (configurable); when no such person is responsible on the path, every enabled person with those roles is.
/// Results are cached per grid snapshot, so routing costs a dictionary lookup on the hot path.
/// </summary>
internal sealed class AlertRouter(GridRegistry grid, IReadOnlyList<string> topTierRoles)
{
    private static readonly Duty[] Order = [Duty.Guard, Duty.GridChief, Duty.Community, Duty.Staff];
    private readonly Dictionary<string, IReadOnlyList<RouteTier>> _cache = new(StringComparer.Ordinal);
    private GridSnapshot? _cachedFor;

    public GridSnapshot Snapshot => grid.Snapshot;

    public IReadOnlyList<RouteTier> Tiers(string? cellId)
    {
        var snapshot = grid.Snapshot;
        if (!ReferenceEquals(snapshot, _cachedFor))
        {
            _cache.Clear();
            _cachedFor = snapshot;
        }

        var key = cellId ?? "";
        if (!_cache.TryGetValue(key, out var tiers))
        {
            tiers = Compute(snapshot, cellId, topTierRoles);
            _cache[key] = tiers;
        }

        return tiers;
    }

    internal static IReadOnlyList<RouteTier> Compute(GridSnapshot snapshot, string? cellId, IReadOnlyList<string> topTierRoles)
    {
        var path = snapshot.PathToRoot(cellId);
        var tiers = new List<RouteTier>();
        foreach (var duty in Order)
        {
            foreach (var cell in path)
            {
                var people = snapshot.ResponsibleFor(cell.Id)
                    .Where(p => p.Duty == duty && (duty != Duty.Staff || topTierRoles.Contains(p.Role)))
                    .ToList();
                if (people.Count > 0)
                {
                    tiers.Add(new RouteTier(duty, cell.Id, people));
                    break;
                }
            }
        }

        if (tiers.Count == 0 || tiers[^1].Duty != Duty.Staff)
        {
            // Should be rare: nobody of the top roles is responsible on the path; the alert must still reach someone who can act.
            var staff = snapshot.People.Where(p => p.Enabled && topTierRoles.Contains(p.Role)).OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
            if (staff.Count > 0)
            {
                tiers.Add(new RouteTier(Duty.Staff, null, staff));
            }
        }

        return tiers;
    }
}
