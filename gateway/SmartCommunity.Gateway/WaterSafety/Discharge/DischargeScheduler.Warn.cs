using System.Globalization;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.WaterSafety.Spots;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.WaterSafety.Discharge;

/// <summary>One warning: an alert to the spot's guards (the engine routes, escalates and renders CAP) and commands to its devices.</summary>
public sealed partial class DischargeScheduler
{
    private void Warn(DischargeNotice notice, SpotSchedule schedule, HazardousSpot spot, string step, DateTimeOffset now)
    {
        if (!FirstToWarn(notice, spot.Id, step))
        {
            return;
        }

        var arrives = schedule.ArrivesAt.ToOffset(_options.LocalOffset);
        var minutes = Math.Max(0, (int)Math.Ceiling((schedule.ArrivesAt - now).TotalMinutes));
        var atSpot = now >= schedule.ArrivesAt;
        var zh = atSpot
            ? $"{BilingualName.Zh(spot.Name)}：上游水库泄洪水流已到达，水位上涨，严禁下河、游泳、捕鱼，请立即远离河道！"
            : $"{BilingualName.Zh(spot.Name)}：上游水库将于 {notice.GateOpenAt.ToOffset(_options.LocalOffset):HH:mm} 泄洪，预计 {arrives:HH:mm} 到达（约 {minutes} 分钟后），请立即远离河道！";
        var en = atSpot
            ? $"{BilingualName.En(spot.Name)}: the discharge wave from the reservoir has arrived and the water is rising. Keep out of the river!"
            : $"{BilingualName.En(spot.Name)}: the reservoir opens its gates at {notice.GateOpenAt.ToOffset(_options.LocalOffset):HH:mm}; water arrives about {arrives:HH:mm} (in {minutes} min). Keep away from the river!";
        var level = atSpot || minutes <= 30 ? AlertLevel.Red : AlertLevel.Orange;
        alerts.Raise(new AlertTrigger(new AlertSource("spot", spot.Id), AlertType, level, spot.CellId,
            new AlertText($"泄洪预警：{BilingualName.Zh(spot.Name)}", $"Discharge warning: {BilingualName.En(spot.Name)}"),
            new AlertText(zh + string.Create(CultureInfo.InvariantCulture, $"（泄洪通知 {notice.Id}，流量 {notice.FlowM3s} m³/s，持续 {notice.DurationMinutes} 分钟）"),
                en + string.Create(CultureInfo.InvariantCulture, $" (notice {notice.Id}, {notice.FlowM3s} m³/s for {notice.DurationMinutes} min)")))
        {
            Area = new AlertArea(spot.Lat, spot.Lon, 0.5, Description: spot.Name),
            Category = "Met",
            Amendment = step == AmendmentStep,
        });

        var reason = $"notice:{notice.Id}:{spot.Id}:{step}";
        var sent = new List<string>();
        var expires = (now + TimeSpan.FromMinutes(10)).ToUnixTimeMilliseconds();
        var voice = new CommandMessage { Type = CommandTypes.PlayVoice, Text = zh.Length > 500 ? zh[..500] : zh, Repeat = 3, Volume = 100, ExpiresTs = expires };
        var siren = new CommandMessage { Type = CommandTypes.Siren, DurationS = 60, ExpiresTs = expires };
        var showFor = (int)Math.Clamp((schedule.PassedAt - now).TotalSeconds, 60, 3600);
        var sign = new CommandMessage { Type = CommandTypes.ShowSign, Text = atSpot ? "泄洪水流已到 严禁下河" : $"{arrives:HH:mm} 泄洪水流到达 请远离河道", DurationS = showFor, ExpiresTs = expires };
        // A device with several roles (a loudspeaker that is also a siren) still gets each role's command: one plan
        // per device (a siren prelude inside the voice command) needs a protocol field the devices do not have yet.
        foreach (var (devices, template) in new[] { (spot.Devices.Loudspeakers, voice), (spot.Devices.Sirens, siren), (spot.Devices.Signs, sign) })
        {
            foreach (var device in (devices ?? []).Distinct(StringComparer.Ordinal))
            {
                if (commands.TrySend(device, template, reason) is { } record)
                {
                    sent.Add($"{device}:{record.Type}:{record.Id}");
                }
            }
        }

        var guards = grid.Snapshot.ResponsibleFor(spot.CellId).Select(p => p.Id).ToList();
        notice.Timeline.Add(new TimelineEntry(now, "warned", spot.Id, $"{step} ({level.ToString().ToLowerInvariant()}); commands: {string.Join(", ", sent)}", guards));
    }

    /// <summary>Several gateways: the one that records this warning step first sends it (outside cluster mode always this one).</summary>
    /// An amended notice's steps are new warnings (a lead time now falls elsewhere), so the key carries the amendment.
    private bool FirstToWarn(DischargeNotice notice, string placeId, string step) =>
        leases?.FireOnce(notice.Amendments == 0 ? $"discharge:{notice.Id}:{placeId}:{step}" : $"discharge:{notice.Id}.{notice.Amendments}:{placeId}:{step}") ?? true;

    /// <summary>
    /// A warning to a community along the river: an alert for its cell (the engine routes it to the community's
    /// officers, escalates and renders CAP). Communities have no warning devices of their own here; the spots do.
    /// </summary>
    private bool WarnCommunity(DischargeNotice notice, SpotSchedule schedule, string step, DateTimeOffset now)
    {
        if (grid.Snapshot.Cell(schedule.CommunityId) is not { } cell)
        {
            return false;
        }

        if (!FirstToWarn(notice, cell.Id, step))
        {
            return true; // Another gateway sent it (and recorded it on its copy of the notice).
        }

        var arrives = schedule.ArrivesAt.ToOffset(_options.LocalOffset);
        var minutes = Math.Max(0, (int)Math.Ceiling((schedule.ArrivesAt - now).TotalMinutes));
        var atPlace = now >= schedule.ArrivesAt;
        var zh = atPlace
            ? $"{BilingualName.Zh(cell.Name)}：上游水库泄洪水流已到达社区河段，请组织群众远离河道，严禁下河、游泳、捕鱼。"
            : $"{BilingualName.Zh(cell.Name)}：上游水库将于 {notice.GateOpenAt.ToOffset(_options.LocalOffset):HH:mm} 泄洪，预计 {arrives:HH:mm} 到达社区河段（约 {minutes} 分钟后），请通知群众远离河道。";
        var en = atPlace
            ? $"{BilingualName.En(cell.Name)}: the discharge wave has reached the community's river reach. Keep everyone away from the river."
            : $"{BilingualName.En(cell.Name)}: the reservoir opens its gates at {notice.GateOpenAt.ToOffset(_options.LocalOffset):HH:mm}; water reaches the community about {arrives:HH:mm} (in {minutes} min). Tell residents to keep away from the river.";
        var level = atPlace || minutes <= 30 ? AlertLevel.Red : AlertLevel.Orange;
        alerts.Raise(new AlertTrigger(new AlertSource(SpotSchedule.CommunityKind, cell.Id), AlertType, level, cell.Id,
            new AlertText($"泄洪预警：{BilingualName.Zh(cell.Name)}", $"Discharge warning: {BilingualName.En(cell.Name)}"),
            new AlertText(zh + string.Create(CultureInfo.InvariantCulture, $"（泄洪通知 {notice.Id}，流量 {notice.FlowM3s} m³/s，持续 {notice.DurationMinutes} 分钟）"),
                en + string.Create(CultureInfo.InvariantCulture, $" (notice {notice.Id}, {notice.FlowM3s} m³/s for {notice.DurationMinutes} min)")))
        {
            Area = cell.Lat is not null && cell.Lon is not null ? new AlertArea(cell.Lat, cell.Lon, 2, Description: cell.Name) : null,
            Category = "Met",
            Amendment = step == AmendmentStep,
        });

        var officers = grid.Snapshot.ResponsibleFor(cell.Id).Select(p => p.Id).ToList();
        notice.Timeline.Add(new TimelineEntry(now, "warned", cell.Id, $"{step} ({level.ToString().ToLowerInvariant()})", officers));
        return true;
    }
}
