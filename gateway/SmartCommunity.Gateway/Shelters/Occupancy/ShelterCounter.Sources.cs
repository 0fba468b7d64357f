using System.Data.Common;

namespace SmartCommunity.Gateway.Shelters.Occupancy;

/// <summary>Primary and fallback: which source of an entrance counts, decided every tick from the devices' liveness.</summary>
public sealed partial class ShelterCounter
{
    private void Tick(DateTimeOffset now)
    {
        if (!_loaded)
        {
            LoadStates();
        }

        HashSet<string> dirty;
        using (var connection = _database.Open())
        using (var transaction = connection.BeginTransaction())
        {
            dirty = CheckSources(connection, transaction, now);
            SaveStates(connection, transaction, dirty, now);
            transaction.Commit();
        }

        var series = now >= _nextSeries;
        if (series)
        {
            _nextSeries = now + SeriesKeepAlive;
        }

        foreach (var shelter in _shelters.Index.ById.Values)
        {
            if (dirty.Contains(shelter.Id) || series)
            {
                Publish(shelter, StateOf(shelter.Id), now, series: true, thresholds: dirty.Contains(shelter.Id));
            }
        }

        if (now >= _nextRetention)
        {
            _nextRetention = now + TimeSpan.FromHours(1);
            DeleteOldEvents(now);
        }
    }

    /// <summary>Whether a source's device is heard: online and a message within <c>Shelters:SourceSilence</c>.</summary>
    private bool IsAlive(string deviceId, DateTimeOffset now) =>
        _devices.Get(deviceId) is { } device && device.Online && now.ToUnixTimeMilliseconds() - device.LastSeenUnixMs <= (long)_options.SourceSilence.TotalMilliseconds;

    /// <summary>Switches entrances between primary and fallback; returns the shelters that changed.</summary>
    private HashSet<string> CheckSources(DbConnection connection, DbTransaction transaction, DateTimeOffset now)
    {
        var dirty = new HashSet<string>(StringComparer.Ordinal);
        // Right after a start every device is offline until it reconnects: give them one silence period first.
        if (now - _startedAt < _options.SourceSilence)
        {
            return dirty;
        }

        var nowMs = now.ToUnixTimeMilliseconds();
        foreach (var shelter in _shelters.Index.ById.Values)
        {
            foreach (var entrance in shelter.Entrances.Where(e => e.Sources.Count > 1))
            {
                var fusion = StateOf(shelter.Id).Entrance(entrance.Id);
                var primary = entrance.Sources[0];
                if (fusion.Active.Length == 0 || entrance.Sources.All(s => s.Key != fusion.Active))
                {
                    fusion.Active = primary.Key;
                }

                var primaryAlive = IsAlive(primary.DeviceId, now);
                if (fusion.Active == primary.Key && !primaryAlive)
                {
                    if (entrance.Sources.Skip(1).FirstOrDefault(s => IsAlive(s.DeviceId, now)) is not { } fallback)
                    {
                        continue; // Nobody counts here now; the entrance view shows every source silent.
                    }

                    // The span starts right after the primary's newest message by device time (events carry device
                    // time); after a restart, before it has sent anything, its last receipt time stands in.
                    var lastSeen = _lastDeviceTs.TryGetValue(primary.DeviceId, out var lastTs) ? lastTs + 1 : _devices.Get(primary.DeviceId)?.LastSeenUnixMs ?? 0;
                    var from = lastSeen > 0 ? lastSeen : nowMs - (long)_options.SourceSilence.TotalMilliseconds;
                    var span = fusion.SwitchToFallback(fallback.Key, primary.Key, from, $"primary {primary.Key} silent since {DateTimeOffset.FromUnixTimeMilliseconds(from):O}",
                        (long)_options.MatchWindow.TotalMilliseconds);
                    var (peopleIn, peopleOut) = ApplyRetroactively(connection, transaction, shelter.Id, entrance.Id, span);
                    fusion.AddRetroactive(peopleIn, peopleOut);
                    _metrics.Fallbacks.Inc();
                    _logger.LogWarning("Shelter {Shelter} entrance {Entrance}: primary {Primary} is silent, counting with {Fallback} from {From:O} ({In} in, {Out} out caught up).",
                        shelter.Id, entrance.Id, primary.Key, fallback.Key, DateTimeOffset.FromUnixTimeMilliseconds(span.FromMs), peopleIn, peopleOut);
                    dirty.Add(shelter.Id);
                }
                else if (fusion.Active != primary.Key && primaryAlive)
                {
                    fusion.SwitchToPrimary(primary.Key, nowMs);
                    _logger.LogInformation("Shelter {Shelter} entrance {Entrance}: primary {Primary} is heard again and counts from now on.", shelter.Id, entrance.Id, primary.Key);
                    dirty.Add(shelter.Id);
                }
            }
        }

        return dirty;
    }
}
