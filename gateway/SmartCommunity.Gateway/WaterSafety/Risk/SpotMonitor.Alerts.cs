using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.WaterSafety.Levels;
using SmartCommunity.Gateway.WaterSafety.Spots;

namespace SmartCommunity.Gateway.WaterSafety.Risk;

/// <summary>The loop's periodic work and the alerts it raises.</summary>
public sealed partial class SpotMonitor
{
    private void OnTick()
    {
        var now = _time.GetUtcNow();
        _commands.CheckTimeouts(now);
        foreach (var spot in _spots.Index.ById.Values)
        {
            var state = State(spot.Id);
            state.ExpirePresence(now - _options.PresenceTimeout);
            Evaluate(spot, state);
            if (spot.Devices.LevelStation is { } station)
            {
                CheckSilence(spot, station, now);
            }
        }
    }

    private void CheckSilence(HazardousSpot spot, string station, DateTimeOffset now)
    {
        var last = _windows.TryGetValue(station, out var window) ? window.LastReceived : _started;
        if (now - last < _options.StationSilence || !_silent.Add(station))
        {
            return;
        }

        var minutes = (now - last).TotalMinutes;
        var stationName = _devices.Get(station)?.Device.Name ?? station;
        var (spotZh, spotEn) = (BilingualName.Zh(spot.Name), BilingualName.En(spot.Name));
        _alerts.Raise(new AlertTrigger(new AlertSource("device", station), "level_station_silent", AlertLevel.Yellow, spot.CellId,
            new AlertText($"{spotZh}水位站无数据", $"Level station at {spotEn} is silent"),
            new AlertText($"{BilingualName.Zh(stationName)} 已 {minutes:F0} 分钟未上报水位，{spotZh} 的涨水无法监测，请检查设备与通信。",
                $"{BilingualName.En(stationName)} has sent no reading for {minutes:F0} minutes; rising water at {spotEn} cannot be seen. Check the device and its link."))
        {
            Area = new AlertArea(spot.Lat, spot.Lon, 0.2),
        });
    }

    internal bool IsRiskTime(HazardousSpot spot, DateTimeOffset now)
    {
        var local = now.ToOffset(_options.LocalOffset).DateTime;
        var weekend = spot.RiskTimes.Weekends && local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        return weekend || RiskCalendar.InHours(spot.RiskTimes.DailyHours, local) || RiskCalendar.InSeason(spot.RiskTimes.Seasons, local);
    }

    private void Evaluate(HazardousSpot spot, SpotState state)
    {
        var now = _time.GetUtcNow();
        var changed = state.Reevaluate(spot, IsRiskTime(spot, now), now);
        WriteRiskPoint(spot, state, now);
        if (!changed)
        {
            return;
        }

        var source = new AlertSource("spot", spot.Id);
        if (state.Level < RiskLevel.Yellow)
        {
            _alerts.Resolve(source, "drowning_risk", $"risk is {state.Level.ToString().ToLowerInvariant()}");
            return;
        }

        var zhLevel = ZhLevel(state.Level);
        var zhReasons = string.Join("；", state.Reasons.Select(r => r.Zh));
        var enReasons = string.Join("; ", state.Reasons.Select(r => r.En));
        var (spotZh, spotEn) = (BilingualName.Zh(spot.Name), BilingualName.En(spot.Name));
        _alerts.Raise(new AlertTrigger(source, "drowning_risk", state.Level.ToAlertLevel(), spot.CellId,
            new AlertText($"{spotZh}溺水风险{zhLevel}", $"Drowning risk {state.Level.ToString().ToLowerInvariant()} at {spotEn}"),
            new AlertText($"{spotZh}溺水风险升至{zhLevel}。原因：{zhReasons}。请加强巡查，劝离水边人员。",
                $"Drowning risk at {spotEn} is {state.Level.ToString().ToLowerInvariant()}. Reasons: {enReasons}. Patrol and move people away from the water."))
        {
            Area = new AlertArea(spot.Lat, spot.Lon, 0.2, Description: spot.Name),
            Category = "Safety",
        });
    }

    private readonly record struct Work(string? SpotId, string? StationId, LevelSample Sample, DateTimeOffset ReceivedAt);

    /// <summary>The risk level as the colour words of the Chinese warning scale (红/橙/黄/蓝色预警).</summary>
    internal static string ZhLevel(RiskLevel level) => level switch
    {
        RiskLevel.Red => "红色",
        RiskLevel.Orange => "橙色",
        RiskLevel.Yellow => "黄色",
        RiskLevel.Blue => "蓝色",
        _ => "无",
    };
}
