namespace SmartCommunity.Gateway.Shelters.Occupancy;

/// <summary>A device-time span in which a fallback source counted for an entrance because the primary was silent.</summary>
/// <param name="FromMs">Start, Unix ms (inclusive).</param>
/// <param name="ToMs">End, Unix ms (exclusive); null while the fallback is still in use.</param>
public sealed record FallbackSpan(string Source, long FromMs, long? ToMs, string Reason)
{
    public bool Contains(long ts) => ts >= FromMs && (ToMs is not { } to || ts < to);
}

/// <summary>What one source has seen at an entrance. The comparable counts are those outside fallback spans (while the primary counted too): the basis of drift.</summary>
public sealed class SourceTally
{
    public long In { get; set; }

    public long Out { get; set; }

    public long ComparableIn { get; set; }

    public long ComparableOut { get; set; }

    /// <summary>Device time of the newest event of this source, Unix ms.</summary>
    public long LastEventTs { get; set; }
}

/// <summary>
/// The fused count of one entrance. The rule, by device time: inside a <see cref="FallbackSpan"/> the span's
/// source counts, everywhere else the primary does; every other event is kept (tallied, for drift) but not
/// counted. So a replayed backlog of the primary for a time the fallback already covered is not counted twice,
/// and late events land where they happened. Owned by the counting loop (not thread-safe).
/// </summary>
public sealed class EntranceFusion
{
    public long In { get; set; }

    public long Out { get; set; }

    /// <summary>The source counting now (the primary unless it is silent).</summary>
    public string Active { get; set; } = "";

    public List<FallbackSpan> Spans { get; set; } = [];

    public Dictionary<string, SourceTally> Sources { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The source responsible for an event at device time <paramref name="ts"/>.</summary>
    public string Responsible(long ts, string primary)
    {
        for (var i = Spans.Count - 1; i >= 0; i--)
        {
            if (Spans[i].Contains(ts))
            {
                return Spans[i].Source;
            }
        }

        return primary;
    }

    /// <summary>Records an event; returns true when it counted towards the entrance.</summary>
    public bool Apply(string source, string primary, long ts, long peopleIn, long peopleOut)
    {
        var tally = Tally(source);
        tally.In += peopleIn;
        tally.Out += peopleOut;
        tally.LastEventTs = Math.Max(tally.LastEventTs, ts);
        var responsible = Responsible(ts, primary);
        if (responsible == primary)
        {
            tally.ComparableIn += peopleIn;
            tally.ComparableOut += peopleOut;
        }

        if (responsible != source)
        {
            return false;
        }

        In += peopleIn;
        Out += peopleOut;
        return true;
    }

    /// <summary>Adds what a fallback saw before it was switched on (its events in the new span, counted now).</summary>
    public void AddRetroactive(long peopleIn, long peopleOut)
    {
        In += peopleIn;
        Out += peopleOut;
    }

    public SourceTally Tally(string source)
    {
        if (!Sources.TryGetValue(source, out var tally))
        {
            tally = new SourceTally();
            Sources[source] = tally;
        }

        return tally;
    }

    /// <summary>Starts counting with a fallback from <paramref name="fromMs"/> on.</summary>
    /// <param name="matchWindowMs">Fallback events this close after the primary's newest counted event are the same people.</param>
    public FallbackSpan SwitchToFallback(string fallback, string primary, long fromMs, string reason, long matchWindowMs = 0)
    {
        // Never reach back over events the primary already counted: the span starts after its newest one, and
        // after the moment the fallback would take to see the same person.
        var from = Math.Max(fromMs, Tally(primary).LastEventTs + Math.Max(1, matchWindowMs));
        CloseOpenSpan(from);
        var span = new FallbackSpan(fallback, from, null, reason);
        Spans.Add(span);
        Active = fallback;
        return span;
    }

    /// <summary>The primary is heard again: it counts from <paramref name="nowMs"/> on.</summary>
    public void SwitchToPrimary(string primary, long nowMs)
    {
        CloseOpenSpan(nowMs);
        Active = primary;
    }

    private void CloseOpenSpan(long atMs)
    {
        if (Spans.Count > 0 && Spans[^1].ToMs is null)
        {
            Spans[^1] = Spans[^1] with { ToMs = Math.Max(atMs, Spans[^1].FromMs) };
        }

        // Bound the stored history: spans older than the newest 50 are forgotten (events that old are refused by ingest anyway).
        if (Spans.Count > 50)
        {
            Spans.RemoveRange(0, Spans.Count - 50);
        }
    }
}
