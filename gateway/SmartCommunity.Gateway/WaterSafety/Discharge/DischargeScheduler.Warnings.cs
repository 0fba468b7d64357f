using System.Globalization;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.WaterSafety.Risk;
using SmartCommunity.Gateway.WaterSafety.Spots;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.WaterSafety.Discharge;

/// <summary>Schedules and fires the warnings of a notice and tracks the wave at each spot.</summary>
public sealed partial class DischargeScheduler
{
    public const string AlertType = "discharge_wave";

    /// <summary>The warning an amendment sends at once: its alert text replaces the old one (a new CAP version).</summary>
    private const string AmendmentStep = "amendment";

    /// <summary>Fires what fell due and moves wave phases on. Called by the loop's timer; tests call it after moving a fake clock.</summary>
    public void RunDue()
    {
        lock (_lock)
        {
            Ensure();
            var now = time.GetUtcNow();
            foreach (var notice in _notices!.Values.Where(n => n.IsActive))
            {
                if (FireDue(notice, now))
                {
                    store.SaveNotice(notice);
                }
            }

            UpdateWaves(now);
        }
    }

    private Dictionary<string, string>? Check(NoticeRequest r, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (r.ReservoirId is null || !_reservoirs!.ContainsKey(r.ReservoirId))
        {
            errors["reservoirId"] = $"Reservoir '{r.ReservoirId}' is not known.";
        }

        if (r.FlowM3s is not (> 0 and <= MaxFlowM3s))
        {
            errors["flowM3s"] = $"Flow must be more than 0 and at most {MaxFlowM3s:F0} m³/s.";
        }

        // A planned opening may be announced late but not for a time already well past.
        if (r.GateOpenAt is not { } open || open < now - TimeSpan.FromMinutes(5) || open > now + TimeSpan.FromDays(30))
        {
            errors["gateOpenAt"] = "Gate-opening time is required, not in the past, and within 30 days.";
        }

        if (r.DurationMinutes is not (>= 1 and <= 30 * 24 * 60))
        {
            errors["durationMinutes"] = "Duration must be 1 minute to 30 days.";
        }

        if (errors.Count == 0 && TravelTimes.Targets(_reservoirs![r.ReservoirId!]).All(t => TravelTimes.For(t.Bands, r.FlowM3s!.Value) is null))
        {
            errors["flowM3s"] = "No flow band of the reservoir's plan covers this flow.";
        }

        return errors.Count == 0 ? null : errors;
    }

    /// <summary>(Re)computes arrival, passing and warning steps per spot; steps already fired stay in the timeline.</summary>
    private void Apply(DischargeNotice notice, NoticeRequest r, DateTimeOffset now)
    {
        notice.ReservoirId = r.ReservoirId!;
        notice.GateOpenAt = r.GateOpenAt!.Value;
        notice.FlowM3s = r.FlowM3s!.Value;
        notice.DurationMinutes = r.DurationMinutes!.Value;
        notice.Spots.Clear();
        foreach (var (kind, targetId, bands) in TravelTimes.Targets(_reservoirs![notice.ReservoirId]))
        {
            if (TravelTimes.For(bands, notice.FlowM3s) is not { } travel)
            {
                continue;
            }

            var arrives = notice.GateOpenAt + travel;
            var schedule = new SpotSchedule
            {
                Kind = kind,
                SpotId = kind == SpotSchedule.SpotKind ? targetId : "",
                CommunityId = kind == SpotSchedule.CommunityKind ? targetId : null,
                ArrivesAt = arrives,
                PassedAt = arrives + TimeSpan.FromMinutes(notice.DurationMinutes) + _options.WavePassMargin,
            };
            schedule.Steps.Add(new WarningStep { Name = notice.Amendments > 0 ? AmendmentStep : "notice", DueAt = now });
            foreach (var lead in _options.LeadTimes.Distinct().OrderByDescending(l => l))
            {
                // Leads already inside the notice's own warning are not repeated.
                if (arrives - lead > now)
                {
                    schedule.Steps.Add(new WarningStep { Name = "lead-" + lead.TotalMinutes.ToString(CultureInfo.InvariantCulture), DueAt = arrives - lead });
                }
            }

            schedule.Steps.Add(new WarningStep { Name = "arrival", DueAt = arrives < now ? now : arrives });
            notice.Spots.Add(schedule);
        }
    }

    /// <summary>Fires due steps and records phase changes; true when something changed.</summary>
    private bool FireDue(DischargeNotice notice, DateTimeOffset now)
    {
        var changed = false;
        foreach (var schedule in notice.Spots)
        {
            var phase = now < schedule.ArrivesAt ? "approaching" : now < schedule.PassedAt ? "at_spot" : "passed";
            if (phase != schedule.Phase)
            {
                schedule.Phase = phase;
                notice.Timeline.Add(new TimelineEntry(now, phase == "passed" ? "passed" : "arrived", schedule.TargetId));
                changed = true;
                if (phase == "passed")
                {
                    alerts.Resolve(new AlertSource(schedule.Kind, schedule.TargetId), AlertType, $"discharge wave of {notice.Id} has passed");
                    continue;
                }
            }

            // Only the latest due step fires: after a long outage one warning, not a burst of stale ones.
            var due = schedule.Steps.Where(s => s.FiredAt is null && s.DueAt <= now).ToList();
            if (phase == "passed" || due.Count == 0)
            {
                foreach (var step in due)
                {
                    step.FiredAt = now;
                }

                continue;
            }

            foreach (var step in due)
            {
                step.FiredAt = now;
            }

            if (!schedule.IsSpot)
            {
                changed |= WarnCommunity(notice, schedule, due[^1].Name, now);
            }
            else if (spots.Get(schedule.SpotId) is { } spot)
            {
                Warn(notice, schedule, spot, due[^1].Name, now);
                changed = true;
            }
        }

        if (notice.Spots.Count > 0 && notice.Spots.All(s => s.Phase == "passed"))
        {
            notice.State = "passed";
            RecordDischarge(notice, now);
            changed = true;
        }

        return changed;
    }

    private void UpdateWaves(DateTimeOffset now)
    {
        var phases = new Dictionary<string, WavePhase>(StringComparer.Ordinal);
        foreach (var schedule in _notices!.Values.Where(n => n.IsActive).SelectMany(n => n.Spots).Where(s => s.IsSpot))
        {
            var phase = now < schedule.ArrivesAt ? WavePhase.Approaching : now < schedule.PassedAt ? WavePhase.AtSpot : WavePhase.None;
            phases[schedule.SpotId] = (WavePhase)Math.Max((int)phase, (int)phases.GetValueOrDefault(schedule.SpotId));
        }

        foreach (var spot in spots.Index.ById.Values)
        {
            var state = monitor.State(spot.Id);
            var phase = phases.GetValueOrDefault(spot.Id);
            if (state.Wave != phase)
            {
                state.Wave = phase;
                monitor.Recompute(spot.Id);
            }
        }
    }
}
