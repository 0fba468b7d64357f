using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SmartCommunity.Gateway.Shelters.Occupancy;

/// <summary>The counting loop's storage: one transaction per batch holds the events and the states they changed.</summary>
public sealed partial class ShelterCounter
{
    private static readonly string[] InsertParameters = ["$d", "$b", "$s", "$sh", "$e", "$src", "$ts", "$i", "$o", "$a"];

    private void LoadStates()
    {
        _states.Clear();
        using (var connection = _database.Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT shelter_id, body FROM shelter_state";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (JsonSerializer.Deserialize<ShelterState>(reader.GetString(1), ShelterRegistry.Json) is { } state)
                {
                    _states[reader.GetString(0)] = state;
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

    private void Process(List<CountingWork> batch)
    {
        try
        {
            ProcessBatch(batch);
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
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT OR IGNORE INTO shelter_events (device_id, boot, seq, shelter_id, entrance_id, source, ts, people_in, people_out, applied)
                VALUES ($d, $b, $s, $sh, $e, $src, $ts, $i, $o, $a)
                """;
            var p = InsertParameters.Select(n =>
            {
                var parameter = insert.CreateParameter();
                parameter.ParameterName = n;
                insert.Parameters.Add(parameter);
                return parameter;
            }).ToArray();
            foreach (var work in batch)
            {
                switch (work)
                {
                    case CountEvent e when _shelters.Get(e.ShelterId) is { } shelter && shelter.Entrances.FirstOrDefault(x => x.Id == e.EntranceId) is { } entrance:
                        var fusion = StateOf(e.ShelterId).Entrance(e.EntranceId);
                        var primary = entrance.Sources[0].Key;
                        var counts = fusion.Responsible(e.Ts, primary) == e.Source;
                        p[0].Value = e.DeviceId;
                        p[1].Value = e.Boot;
                        p[2].Value = e.Seq;
                        p[3].Value = e.ShelterId;
                        p[4].Value = e.EntranceId;
                        p[5].Value = e.Source;
                        p[6].Value = e.Ts;
                        p[7].Value = e.PeopleIn;
                        p[8].Value = e.PeopleOut;
                        p[9].Value = counts ? 1 : 0;
                        if (insert.ExecuteNonQuery() == 0)
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

    private void SaveStates(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<string> shelterIds, DateTimeOffset now)
    {
        using var save = connection.CreateCommand();
        save.Transaction = transaction;
        save.CommandText = "INSERT INTO shelter_state (shelter_id, body) VALUES ($id, $b) ON CONFLICT(shelter_id) DO UPDATE SET body = $b";
        var id = save.Parameters.Add("$id", SqliteType.Text);
        var body = save.Parameters.Add("$b", SqliteType.Text);
        foreach (var shelterId in shelterIds)
        {
            if (!_states.TryGetValue(shelterId, out var state))
            {
                continue;
            }

            state.UpdatedAt = now;
            id.Value = shelterId;
            body.Value = JsonSerializer.Serialize(state, ShelterRegistry.Json);
            save.ExecuteNonQuery();
        }
    }

    /// <summary>Counts now what a fallback saw in its new span before it was switched on.</summary>
    private static (long In, long Out) ApplyRetroactively(SqliteConnection connection, SqliteTransaction transaction, string shelterId, string entranceId, FallbackSpan span)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT COALESCE(SUM(people_in), 0), COALESCE(SUM(people_out), 0) FROM shelter_events
            WHERE shelter_id = $s AND entrance_id = $e AND source = $src AND ts >= $from AND applied = 0;
            """;
        command.Parameters.AddWithValue("$s", shelterId);
        command.Parameters.AddWithValue("$e", entranceId);
        command.Parameters.AddWithValue("$src", span.Source);
        command.Parameters.AddWithValue("$from", span.FromMs);
        (long In, long Out) sums;
        using (var reader = command.ExecuteReader())
        {
            reader.Read();
            sums = (reader.GetInt64(0), reader.GetInt64(1));
        }

        command.CommandText = "UPDATE shelter_events SET applied = 1 WHERE shelter_id = $s AND entrance_id = $e AND source = $src AND ts >= $from AND applied = 0";
        command.ExecuteNonQuery();
        return sums;
    }

    private void DeleteOldEvents(DateTimeOffset now)
    {
        using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM shelter_events WHERE ts < $cutoff";
        command.Parameters.AddWithValue("$cutoff", (now - _options.EventRetention).ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }
}
