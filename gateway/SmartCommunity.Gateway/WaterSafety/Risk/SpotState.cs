using SmartCommunity.Gateway.WaterSafety.Spots;

namespace SmartCommunity.Gateway.WaterSafety.Risk;

/// <summary>
/// The live state of one spot. The loop is the only writer of level, rise and risk; camera handlers (several
/// ingest workers) change presence under a lock; the hot path reads <see cref="Level"/> without one.
/// </summary>
public sealed class SpotState(string spotId, RiskHysteresis hysteresis)
{
    private readonly Lock _presence = new();
    private readonly Dictionary<string, DateTimeOffset> _people = new(StringComparer.Ordinal);
    private int _level;
    private int _wave;

    public string SpotId { get; } = spotId;

    public RiskHysteresis Hysteresis { get; } = hysteresis;

    /// <summary>Current risk, readable from any thread.</summary>
    public RiskLevel Level => (RiskLevel)Volatile.Read(ref _level);

    public WavePhase Wave
    {
        get => (WavePhase)Volatile.Read(ref _wave);
        set => Volatile.Write(ref _wave, (int)value);
    }

    public double? LevelM { get; set; }

    public double? RiseMPerHour { get; set; }

    public IReadOnlyList<RiskReason> Reasons { get; private set; } = [];

    public DateTimeOffset? ChangedAt { get; private set; }

    public int PeopleInZone
    {
        get
        {
            lock (_presence)
            {
                return _people.Count;
            }
        }
    }

    /// <summary>Records an enter (true) or leave (false) of a tracked person; returns the count after it.</summary>
    public int SetPresence(string key, bool inside, DateTimeOffset now)
    {
        lock (_presence)
        {
            if (inside)
            {
                _people[key] = now;
            }
            else
            {
                _people.Remove(key);
            }

            return _people.Count;
        }
    }

    /// <summary>Forgets people whose leave was never reported (camera lost the track).</summary>
    public void ExpirePresence(DateTimeOffset before)
    {
        lock (_presence)
        {
            foreach (var key in _people.Where(p => p.Value < before).Select(p => p.Key).ToList())
            {
                _people.Remove(key);
            }
        }
    }

    /// <summary>Re-evaluates the risk (loop thread only); true when the level changed.</summary>
    public bool Reevaluate(HazardousSpot spot, bool riskTime, DateTimeOffset now)
    {
        var changed = Hysteresis.Update(spot, new RiskInputs(LevelM, RiseMPerHour, Wave, PeopleInZone, riskTime), now);
        Reasons = Hysteresis.Reasons;
        if (changed)
        {
            ChangedAt = now;
            Volatile.Write(ref _level, (int)Hysteresis.Level);
        }

        return changed;
    }
}
