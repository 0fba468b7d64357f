namespace SmartCommunity.Gateway.Shelters.Occupancy;

/// <summary>The stored counting state of one shelter (JSON in <c>shelter_state</c>), owned by the counting loop.</summary>
public sealed class ShelterState
{
    public Dictionary<string, EntranceFusion> Entrances { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Added by manual headcounts: occupancy = Σ(in − out) over entrances + correction, never below 0.</summary>
    public long Correction { get; set; }

    /// <summary>Alert types of thresholds currently crossed.</summary>
    public HashSet<string> Raised { get; set; } = new(StringComparer.Ordinal);

    public DateTimeOffset? LastHeadcountAt { get; set; }

    public string? LastHeadcountBy { get; set; }

    /// <summary>Events that counted (after de-duplication and fusion).</summary>
    public long EventsCounted { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    public EntranceFusion Entrance(string id)
    {
        if (!Entrances.TryGetValue(id, out var fusion))
        {
            fusion = new EntranceFusion();
            Entrances[id] = fusion;
        }

        return fusion;
    }

    /// <summary>Σ(in − out) + correction: may be negative (an out seen before its in); shown clamped at 0.</summary>
    public long Raw => Entrances.Values.Sum(e => e.In - e.Out) + Correction;

    public long Occupants => Math.Max(0, Raw);

    /// <summary>How many people the clamp at 0 hides (0 when the raw count is not negative).</summary>
    public long Clamped => Math.Max(0, -Raw);
}
