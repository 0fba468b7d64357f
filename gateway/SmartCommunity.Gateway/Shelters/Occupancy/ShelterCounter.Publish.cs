using System.Globalization;
using System.Text.Json;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Live;
using SmartCommunity.Gateway.TimeSeries;
using SmartCommunity.TimeSeries.Points;

namespace SmartCommunity.Gateway.Shelters.Occupancy;

/// <summary>After a commit: the served snapshot, threshold alerts, the time series and the live stream.</summary>
public sealed partial class ShelterCounter
{
    private void Publish(Shelter shelter, ShelterState state, DateTimeOffset now, bool series, bool thresholds)
    {
        var snapshot = Snapshot(shelter, state, now);
        var previous = _snapshots.GetValueOrDefault(shelter.Id);
        _snapshots[shelter.Id] = snapshot;
        if (state.Clamped > 0 && (previous is null || previous.Clamped != snapshot.Clamped))
        {
            _metrics.Clamped.Inc();
        }

        if (thresholds)
        {
            foreach (var change in ThresholdLadder.Evaluate(snapshot.Occupants, shelter.Capacity, _options.HysteresisMargin, state.Raised))
            {
                RaiseOrClear(shelter, snapshot, change);
            }

            _snapshots[shelter.Id] = snapshot with { Thresholds = [.. state.Raised.Order(StringComparer.Ordinal)] };
        }

        if (series)
        {
            _points.TryWrite(new Point(SeriesNames.ShelterOccupancy)
                .Tag("shelter", shelter.Id)
                .Tag(SeriesNames.CellTag, shelter.CellId)
                .Field("occupants", (double)snapshot.Occupants)
                .Field("capacity", (double)shelter.Capacity)
                .At(now));
        }

        if (_live.HasSubscribers && (previous is null || previous.Occupants != snapshot.Occupants || previous.Open != snapshot.Open || thresholds))
        {
            _live.Publish(new LiveEvent("shelter", shelter.CellId, JsonSerializer.Serialize(_snapshots[shelter.Id], ShelterRegistry.Json)));
        }
    }

    private ShelterOccupancy Snapshot(Shelter shelter, ShelterState state, DateTimeOffset now)
    {
        var occupants = state.Occupants;
        var entrances = shelter.Entrances.Select(e => EntranceView(e, state.Entrance(e.Id), now)).ToList();
        var share = shelter.Capacity > 0 ? Math.Round((double)occupants / shelter.Capacity, 4) : 0;
        return new ShelterOccupancy(shelter.Id, shelter.CellId, shelter.Open, occupants, shelter.Capacity, Math.Max(0, shelter.Capacity - occupants), share,
            state.Clamped, state.Correction, [.. state.Raised.Order(StringComparer.Ordinal)], entrances, state.LastHeadcountAt, state.LastHeadcountBy, now);
    }

    private EntranceView EntranceView(Entrance entrance, EntranceFusion fusion, DateTimeOffset now)
    {
        var primary = entrance.Sources[0];
        var active = fusion.Active.Length > 0 ? fusion.Active : primary.Key;
        var primaryTally = fusion.Tally(primary.Key);
        var sources = entrance.Sources.Select((s, i) =>
        {
            var tally = fusion.Tally(s.Key);
            var device = _devices.Get(s.DeviceId);
            long? driftIn = i == 0 ? null : tally.ComparableIn - primaryTally.ComparableIn;
            long? driftOut = i == 0 ? null : tally.ComparableOut - primaryTally.ComparableOut;
            var drifting = i > 0 && (Drifts(driftIn!.Value, primaryTally.ComparableIn) || Drifts(driftOut!.Value, primaryTally.ComparableOut));
            return new SourceView(s.Key, s.DeviceId, i == 0, !IsAlive(s.DeviceId, now),
                device is { LastSeenUnixMs: > 0 } ? DateTimeOffset.FromUnixTimeMilliseconds(device.LastSeenUnixMs) : null, tally.In, tally.Out, driftIn, driftOut, drifting);
        }).ToList();
        return new EntranceView(entrance.Id, fusion.In, fusion.Out, active, active != primary.Key, [.. fusion.Spans.TakeLast(5)], sources);
    }

    private bool Drifts(long drift, long basis) => Math.Abs(drift) >= _options.DriftMinimum && Math.Abs(drift) >= _options.DriftRatio * basis;

    private void RaiseOrClear(Shelter shelter, ShelterOccupancy snapshot, ThresholdLadder.Change change)
    {
        var source = new AlertSource("shelter", shelter.Id);
        var threshold = change.Threshold;
        if (!change.Raised)
        {
            _alerts.Resolve(source, threshold.AlertType, string.Create(CultureInfo.InvariantCulture, $"occupancy {snapshot.Occupants}/{shelter.Capacity} below {threshold.Share - _options.HysteresisMargin:P0}"));
            return;
        }

        var suggestions = ShelterSuggestions.Nearest(_shelters.Index.ById.Values, Occupancy, shelter.Lat, shelter.Lon, shelter.Id, _options.Suggestions);
        var whereZh = suggestions.Count == 0 ? "附近没有尚有空位的开放避难场所。" : "请引导至：" + string.Join("；", suggestions.Select(s => string.Create(CultureInfo.InvariantCulture, $"{BilingualName.Zh(s.Name)}（{s.DistanceKm:0.0} 公里，空位 {s.Free}）")));
        var whereEn = suggestions.Count == 0 ? "No open shelter nearby has free places." : "Send people to: " + string.Join("; ", suggestions.Select(s => string.Create(CultureInfo.InvariantCulture, $"{BilingualName.En(s.Name)} ({s.DistanceKm:0.0} km, {s.Free} free)")));
        _alerts.Raise(new AlertTrigger(source, threshold.AlertType, threshold.Level, shelter.CellId,
            new AlertText($"{threshold.LabelZh}：{BilingualName.Zh(shelter.Name)}", $"{threshold.LabelEn}: {BilingualName.En(shelter.Name)}"),
            new AlertText(string.Create(CultureInfo.InvariantCulture, $"{BilingualName.Zh(shelter.Name)} 现有 {snapshot.Occupants} 人，容量 {shelter.Capacity}。{whereZh}"),
                string.Create(CultureInfo.InvariantCulture, $"{BilingualName.En(shelter.Name)} holds {snapshot.Occupants} of {shelter.Capacity}. {whereEn}")))
        {
            Area = new AlertArea(shelter.Lat, shelter.Lon, RadiusKm: 0.1, Description: shelter.Name),
            Evidence = [.. suggestions.Select(s => new EvidenceLink("suggestion", $"/api/shelters/{s.ShelterId}", string.Create(CultureInfo.InvariantCulture,
                $"{BilingualName.Zh(s.Name)}（{s.DistanceKm:0.0} 公里，空位 {s.Free}） {BilingualName.En(s.Name)} ({s.DistanceKm:0.0} km, {s.Free} free)"), "application/json"))],
            Category = "Rescue",
        });
    }
}
