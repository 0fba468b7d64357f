using System.Data.Common;
using System.Text.Json;
using Dapper;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Shelters.Occupancy;

/// <summary>The counting loop's storage: one transaction per batch holds the events and the states they changed.</summary>
public sealed partial class ShelterCounter
{
    private void LoadStates()
    {
        _states.Clear();
        using (var connection = _database.Open())
        {
            foreach (var (shelterId, body) in connection.Query<(string, string)>("SELECT shelter_id, body FROM shelter_state"))
            {
                if (JsonSerializer.Deserialize<ShelterState>(body, ShelterRegistry.Json) is { } state)
                {
                    _states[shelterId] = state;
                }
            }
        }

        _loaded = true;
        foreach (var shelter in _shelters.Index.ById.Values)
        {
            Publish(shelter, StateOf(shelter.Id), _time.GetUtcNow(), series: true, thresholds: false);
        }
    }

    private void ReloadStates()
    {
        try
        {
            LoadStates();
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Reloading shelter states failed.");
        }
    }

    private ShelterState StateOf(string shelterId)
    {
        if (!_states.TryGetValue(shelterId, out var state))
        {
            state = new ShelterState();
            _states[shelterId] = state;
        }

        return state;
    }

    private async Task ProcessAsync(List<CountingWork> batch)
    {
        try
        {
            // An unreachable database holds this loop (and so, through the full queue, the devices) until it is back.
            await _retry.RunAsync(() =>
            {
                try
                {
                    ProcessBatch(batch);
                }
                catch
                {
                    // The batch may be half applied in memory only: the retry starts from the stored states.
                    _loaded = false;
                    throw;
                }
            }, _stopping).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The transaction rolled back: the caller reloads the states; the events of this batch are lost and counted.
            _metrics.DroppedStoreError.Add(batch.Count(w => w is CountEvent));
            foreach (var work in batch)
            {
                (work as HeadcountCommand)?.Done.TrySetException(ex);
                (work as FlushCommand)?.Done.TrySetException(ex);
            }

            throw;
        }
    }

    private void ProcessBatch(List<CountingWork> batch)
    {
        if (!_loaded)
        {
            LoadStates();
        }

        var now = _time.GetUtcNow();
        var dirty = new HashSet<string>(StringComparer.Ordinal);
        var headcounts = new List<HeadcountCommand>();
        var flushes = new List<FlushCommand>();
        var counted = 0L;
        var other = 0L;
        var duplicates = 0L;
        using (var connection = _database.Open())
        using (var transaction = connection.BeginTransaction())
        {
            using var insert = new BatchStatement(connection, transaction, """
                INSERT INTO shelter_events (device_id, boot, seq, shelter_id, entrance_id, source, ts, people_in, people_out, applied)
                VALUES (@d, @b, @s, @sh, @e, @src, @ts, @i, @o, @a)
                ON CONFLICT DO NOTHING
                """, "d", "b", "s", "sh", "e", "src", "ts", "i", "o", "a");
            foreach (var work in batch)
            {
                switch (work)
                {
                    case CountEvent e when _shelters.Get(e.ShelterId) is { } shelter && shelter.Entrances.FirstOrDefault(x => x.Id == e.EntranceId) is { } entrance:
                        var fusion = StateOf(e.ShelterId).Entrance(e.EntranceId);
                        var primary = entrance.Sources[0].Key;
                        var counts = fusion.Responsible(e.Ts, primary) == e.Source;
                        if (insert.Execute(e.DeviceId, e.Boot, e.Seq, e.ShelterId, e.EntranceId, e.Source, e.Ts, e.PeopleIn, e.PeopleOut, counts ? 1 : 0) == 0)
                        {
                            duplicates++;
                            continue;
                        }

                        fusion.Apply(e.Source, primary, e.Ts, e.PeopleIn, e.PeopleOut);
                        dirty.Add(e.ShelterId); // The source's own tally changed even when it did not count.
                        if (counts)
                        {
                            counted++;
                            StateOf(e.ShelterId).EventsCounted++;
                        }
                        else
                        {
                            other++;
                        }

                        break;
                    case CountEvent:
                        other++; // The shelter or entrance was removed after the event was queued.
                        break;
                    case HeadcountCommand h when _shelters.Get(h.ShelterId) is not null:
                        var state = StateOf(h.ShelterId);
                        var before = state.Occupants;
                        state.Correction += h.Occupants - state.Raw;
                        state.LastHeadcountAt = now;
                        state.LastHeadcountBy = h.Actor;
                        _shelters.Audit(connection, transaction, h.ShelterId, h.Actor, "headcount", $"{before} → {h.Occupants}" + (string.IsNullOrWhiteSpace(h.Note) ? "" : ": " + h.Note));
                        headcounts.Add(h);
                        dirty.Add(h.ShelterId);
                        break;
                    case HeadcountCommand h:
                        h.Done.TrySetResult(null);
                        break;
                    case FlushCommand f:
                        flushes.Add(f);
                        break;
                    case ShelterChanged c:
                        dirty.Add(c.ShelterId);
                        break;
                }
            }

            if (flushes.Count > 0)
            {
                // A flush also checks sources for silence, so tests need not wait for the tick.
                dirty.UnionWith(CheckSources(connection, transaction, now));
            }

            SaveStates(connection, transaction, dirty, now);
            transaction.Commit();
        }

        _metrics.Counted.Add(counted);
        _metrics.NotCounted.Add(other);
        _metrics.Duplicates.Add(duplicates);
        foreach (var id in dirty)
        {
            if (_shelters.Get(id) is { } shelter)
            {
                Publish(shelter, StateOf(id), now, series: true, thresholds: true);
            }
            else
            {
                _snapshots.TryRemove(id, out _);
            }
        }

        foreach (var h in headcounts)
        {
            _metrics.Headcounts.Inc();
            h.Done.TrySetResult(Occupancy(h.ShelterId));
        }

        foreach (var f in flushes)
        {
            f.Done.TrySetResult();
        }
    }

    private void SaveStates(DbConnection connection, DbTransaction transaction, IEnumerable<string> shelterIds, DateTimeOffset now)
    {
        using var save = new BatchStatement(connection, transaction,
            "INSERT INTO shelter_state (shelter_id, body) VALUES (@id, @body) ON CONFLICT (shelter_id) DO UPDATE SET body = excluded.body", "id", "body");
        foreach (var shelterId in shelterIds)
        {
            if (!_states.TryGetValue(shelterId, out var state))
            {
                continue;
            }

            state.UpdatedAt = now;
            save.Execute(shelterId, JsonSerializer.Serialize(state, ShelterRegistry.Json));
        }
    }

    /// <summary>Counts now what a fallback saw in its new span before it was switched on.</summary>
    private static (long In, long Out) ApplyRetroactively(DbConnection connection, DbTransaction transaction, string shelterId, string entranceId, FallbackSpan span)
    {
        // SUM of a BIGINT is NUMERIC in PostgreSQL: cast back so both engines answer a long.
        var filter = new { shelterId, entranceId, source = span.Source, from = span.FromMs };
        var sums = connection.QuerySingle<(long In, long Out)>("""
            SELECT CAST(COALESCE(SUM(people_in), 0) AS BIGINT), CAST(COALESCE(SUM(people_out), 0) AS BIGINT) FROM shelter_events
            WHERE shelter_id = @shelterId AND entrance_id = @entranceId AND source = @source AND ts >= @from AND applied = 0
            """, filter, transaction);
        connection.Execute("UPDATE shelter_events SET applied = 1 WHERE shelter_id = @shelterId AND entrance_id = @entranceId AND source = @source AND ts >= @from AND applied = 0",
            filter, transaction);
        return sums;
    }

    private void DeleteOldEvents(DateTimeOffset now)
    {
        using var connection = _database.Open();
        connection.Execute("DELETE FROM shelter_events WHERE ts < @cutoff", new { cutoff = (now - _options.EventRetention).ToUnixTimeMilliseconds() });
    }
}
