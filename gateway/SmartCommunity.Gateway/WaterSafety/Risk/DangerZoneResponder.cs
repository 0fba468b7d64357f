using System.Globalization;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Video.Footage;
using SmartCommunity.Gateway.WaterSafety.Commands;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.WaterSafety.Risk;

/// <summary>
/// The hot path: a camera reports a person entering a spot's danger zone. Runs on the ingest worker and does no
/// I/O — it reads the spot's current risk, queues the voice-deterrent command (语音驱离) and queues the alert.
/// </summary>
internal sealed class DangerZoneResponder(SpotMonitor monitor, IAlertService alerts, WarningCommandSender commands, DeviceRegistry devices, TimeProvider time, WaterSafetyOptions options)
{
    /// <summary>The recorded clip every loudspeaker holds (docs/protocol.md) and its text for TTS-only devices.</summary>
    public const string Clip = "danger_leave";
    public const string ClipText = "危险水域，请速离开";

    private static readonly CommandMessage VoiceTemplate = new()
    {
        Type = CommandTypes.PlayVoice,
        Clip = Clip,
        Text = ClipText,
        Repeat = 3,
        Volume = 100,
    };

    public void OnCameraEvent(string cameraId, EventMessage message, long receivedTimestamp)
    {
        var entering = message.Type == EventTypes.ZoneEnter;
        if (!entering && message.Type != EventTypes.ZoneLeave)
        {
            return;
        }

        var spots = monitor.SpotsForCamera(cameraId);
        if (spots is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var (camera, spot) in spots)
        {
            if (!string.Equals(camera.Zone, message.Zone, StringComparison.Ordinal))
            {
                continue;
            }

            var state = monitor.State(spot.Id);
            // The risk before this person counts: the person is the trigger, not a factor of their own alarm.
            var risk = state.Level;
            var key = cameraId + "/" + (message.Track?.ToString(CultureInfo.InvariantCulture) ?? "-");
            state.SetPresence(key, entering, now);
            monitor.Recompute(spot.Id);
            if (!entering)
            {
                continue;
            }

            if (risk >= RiskLevel.Orange)
            {
                var reason = "spot:" + spot.Id + ":danger_zone";
                foreach (var speaker in spot.Devices.Loudspeakers ?? [])
                {
                    commands.TrySend(speaker, VoiceTemplate, reason, receivedTimestamp);
                }
            }

            alerts.Raise(Trigger(spot, state, risk, cameraId, message, now));
        }
    }

    private AlertTrigger Trigger(Spots.HazardousSpot spot, SpotState state, RiskLevel risk, string cameraId, EventMessage message, DateTimeOffset now)
    {
        var red = risk >= RiskLevel.Orange;
        var seen = DateTimeOffset.FromUnixTimeMilliseconds(message.Ts);
        var evidence = new List<EvidenceLink>(2);
        if (message.Snapshot is { Length: > 0 } snapshot)
        {
            evidence.Add(new EvidenceLink("snapshot", snapshot, "抓拍 snapshot", "image/jpeg", seen));
        }

        // Footage around the event: 30 s before to 2 min after, served by the video feature.
        evidence.Add(new EvidenceLink("footage", $"/api/video/cameras/{cameraId}/footage?from={seen.AddSeconds(-30).ToUnixTimeMilliseconds()}&to={seen.AddMinutes(2).ToUnixTimeMilliseconds()}",
            "录像 footage", FootageApi.PlaylistType, seen.AddSeconds(-30), seen.AddMinutes(2)));
        var level = red ? AlertLevel.Red : risk >= RiskLevel.Yellow ? AlertLevel.Orange : AlertLevel.Yellow;
        var whyZh = string.Join("；", state.Reasons.Select(r => r.Zh));
        var why = string.Join("; ", state.Reasons.Select(r => r.En));
        var (spotZh, spotEn) = (BilingualName.Zh(spot.Name), BilingualName.En(spot.Name));
        var camera = devices.Get(cameraId)?.Device.Name ?? cameraId;
        var local = seen.ToOffset(options.LocalOffset);
        var riskEn = risk.ToString().ToLowerInvariant();
        return new AlertTrigger(new Alerts.AlertSource("spot", spot.Id), "danger_zone_person", level, spot.CellId,
            red ? new AlertText($"{spotZh}有人进入危险区域，已语音驱离", $"Person in the danger zone at {spotEn}; voice warning played")
                : new AlertText($"{spotZh}有人靠近危险水域", $"Person near the water at {spotEn}"),
            new AlertText($"{BilingualName.Zh(camera)} 于 {local:HH:mm:ss} 发现有人进入危险区域（溺水风险{SpotMonitor.ZhLevel(risk)}{(whyZh.Length > 0 ? "：" + whyZh : "")}）。{(red ? "已播放“危险水域，请速离开”，" : "")}请立即前往劝离。",
                $"{BilingualName.En(camera)} saw a person enter the danger zone at {local:HH:mm:ss} (drowning risk {riskEn}{(why.Length > 0 ? ": " + why : "")}). {(red ? "The loudspeaker played the leave warning. " : "")}Go and move them away now."))
        {
            Area = new AlertArea(spot.Lat, spot.Lon, 0.1, Description: spot.Name),
            Evidence = evidence,
            Category = "Safety",
        };
    }
}
