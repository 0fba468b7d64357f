using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.TimeSeries;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.TimeSeries.Points;

namespace SmartCommunity.Gateway.WaterSafety.Discharge;

/// <summary>Withdrawing a warning (notice cancelled, or amended so it no longer reaches a place) and the discharge series.</summary>
public sealed partial class DischargeScheduler
{
    /// <summary>
    /// Ends the warning at one place: its alert is cancelled and a spot's loudspeakers, sirens and signs get <c>stop</c>
    /// (tracked and acknowledged like every warning command; an unconfirmed stop raises <c>command_unconfirmed</c>).
    /// A place another active notice still warns keeps its alert and its devices.
    /// </summary>
    private void Withdraw(DischargeNotice notice, SpotSchedule schedule, string why, DateTimeOffset now)
    {
        if (StillWarned(schedule, notice.Id))
        {
            notice.Timeline.Add(new TimelineEntry(now, "withdrawn", schedule.TargetId, $"{why}; another notice still warns it"));
            return;
        }

        alerts.Cancel(new AlertSource(schedule.Kind, schedule.TargetId), AlertType, why);
        var sent = new List<string>();
        if (schedule.IsSpot && spots.Get(schedule.SpotId) is { } spot)
        {
            var stop = new CommandMessage { Type = CommandTypes.Stop, ExpiresTs = (now + TimeSpan.FromMinutes(10)).ToUnixTimeMilliseconds() };
            // One stop per device, however many roles it has at the spot (issue 15: a loudspeaker-siren got two).
            foreach (var device in (spot.Devices.Loudspeakers ?? []).Concat(spot.Devices.Sirens ?? []).Concat(spot.Devices.Signs ?? []).Distinct(StringComparer.Ordinal))
            {
                if (commands.TrySend(device, stop, $"notice:{notice.Id}:{spot.Id}:stop") is { } record)
                {
                    sent.Add($"{device}:{record.Type}:{record.Id}");
                }
            }
        }

        notice.Timeline.Add(new TimelineEntry(now, "withdrawn", schedule.TargetId, sent.Count == 0 ? why : $"{why}; commands: {string.Join(", ", sent)}"));
    }

    private bool StillWarned(SpotSchedule schedule, string exceptNotice) =>
        _notices!.Values.Any(n => n.IsActive && n.Id != exceptNotice
            && n.Spots.Any(s => s.Kind == schedule.Kind && s.TargetId == schedule.TargetId && s.Phase != "passed"));

    /// <summary>
    /// One durable <c>water_discharge</c> point per reach of the reservoir (docs/timeseries.md): the announced flow, and
    /// <c>active</c> 1 while the notice is in force, 0 once cancelled or passed. Tags are the reach and the reservoir
    /// (bounded: the plan's own IDs). A full writer refuses it (counted in <c>sc_timeseries_durable_refused</c>).
    /// </summary>
    private void RecordDischarge(DischargeNotice notice, DateTimeOffset now)
    {
        if (!_reservoirs!.TryGetValue(notice.ReservoirId, out var reservoir))
        {
            return;
        }

        foreach (var reach in reservoir.Reaches ?? [])
        {
            try
            {
                var point = new Point(SeriesNames.WaterDischarge, Durability.Durable).Tag("reach", reach.Id).Tag("source", reservoir.Id)
                    .Field("flow_m3s", notice.FlowM3s).Field("active", notice.IsActive ? 1L : 0L).At(now);
                if (!series.TryWrite(point))
                {
                    logger.LogWarning("The time-series writer is full; the discharge point of notice {Notice} for reach {Reach} is not recorded", notice.Id, reach.Id);
                }
            }
            catch (ArgumentException ex)
            {
                // A reach ID line protocol cannot carry (empty): the chart misses it, the warnings do not.
                logger.LogWarning(ex, "Reach '{Reach}' of reservoir {Reservoir} cannot be a time-series tag", reach.Id, reservoir.Id);
            }
        }
    }
}
