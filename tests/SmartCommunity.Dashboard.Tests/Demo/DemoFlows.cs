using System.Net.Http.Json;
using System.Text.Json;

namespace SmartCommunity.Dashboard.Tests.Demo;

/// <summary>
/// What a visitor should see the running demo do, read through the gateway's API as an admin. Each
/// <see cref="ObserveAsync"/> looks again; a flow counts once seen. The spot's risk is sampled (it rises and falls).
/// </summary>
public sealed class DemoFlows(HttpClient api)
{
    public const string Beach = "spot-hetan-beach";
    public const string Gym = "school-gym";
    public const string ForcedDoor = "43010200011340000002";
    public const string BeachCamera = "43010200011320000001";
    public const string Guard = "guard-wang";

    /// <summary>The channel of the demo's NVR that registers by GB/T 28181 (deploy/demo-agent.json, Demo:Gb28181).</summary>
    public const string GbCamera = "43010200011320000004";
    private readonly List<string> _risks = [];

    public bool LevelEscalation { get; private set; }

    public bool DangerZone { get; private set; }

    public bool Discharge { get; private set; }

    public bool ShelterPast80 { get; private set; }

    public bool LineCounted { get; private set; }

    public bool DoorForced { get; private set; }

    /// <summary>The gateway's own analysis of the beach camera bookmarked a <c>zone_enter</c> in its danger-water zone.</summary>
    public bool CameraZoneEvent { get; private set; }

    /// <summary>The gym was seen with people in it (it starts empty).</summary>
    public bool OccupancyChanged { get; private set; }

    /// <summary>A discharge notice sent <c>play_voice</c> to a loudspeaker and it acknowledged.</summary>
    public bool DischargeLoudspeaker { get; private set; }

    /// <summary>The guard acknowledged the alert of the person in the danger zone.</summary>
    public bool GuardAcknowledged { get; private set; }

    /// <summary>The GB/T 28181 NVR registered, its catalog made its channel a camera, and the gateway recorded that channel's video.</summary>
    public bool GbCameraRecorded { get; private set; }

    public bool All => LevelEscalation && DangerZone && Discharge && ShelterPast80 && LineCounted && DoorForced && GbCameraRecorded;

    /// <summary>What a newcomer is told to watch for (README, run.sh): the flows of <see cref="All"/> and the ones above.</summary>
    public bool Newcomer => All && CameraZoneEvent && OccupancyChanged && DischargeLoudspeaker && GuardAcknowledged;

    public string Missing =>
        string.Join(", ", new[]
        {
            LevelEscalation ? null : "level-based risk escalation",
            DangerZone ? null : "camera zone_enter → play_voice + red alert with snapshot",
            Discharge ? null : "discharge notice with acknowledged sirens",
            ShelterPast80 ? null : "shelter past 80 % with a redirect",
            LineCounted ? null : "camera line crossings counted into the shelter",
            DoorForced ? null : "door forced",
            CameraZoneEvent ? null : "beach camera zone_enter bookmarked",
            OccupancyChanged ? null : "gym occupancy above 0",
            DischargeLoudspeaker ? null : "discharge play_voice acknowledged by a loudspeaker",
            GuardAcknowledged ? null : "guard acknowledged the danger-zone alert",
            GbCameraRecorded ? null : "GB/T 28181 camera registered and recorded",
        }.OfType<string>()) + $"; beach risk samples: {string.Join(" ", _risks.TakeLast(40))}";

    public async Task<JsonElement[]> AlertsAsync() =>
        [.. (await api.GetFromJsonAsync<JsonElement>("/api/alerts?limit=500")).EnumerateArray()];

    public async Task ObserveAsync()
    {
        var alerts = await AlertsAsync();
        await ObserveLevelAsync();
        DangerZone = DangerZone || await DangerZoneAsync(alerts);
        Discharge = Discharge || await DischargeAsync();
        ShelterPast80 = ShelterPast80 || await ShelterAsync(alerts);
        LineCounted = LineCounted || await LineAsync();
        DoorForced = DoorForced || await DoorAsync(alerts);
        CameraZoneEvent = CameraZoneEvent || await CameraZoneEventAsync();
        OccupancyChanged = OccupancyChanged || await OccupancyAsync();
        DischargeLoudspeaker = DischargeLoudspeaker || await DischargeLoudspeakerAsync();
        GbCameraRecorded = GbCameraRecorded || await GbCameraRecordedAsync();
        GuardAcknowledged = GuardAcknowledged || alerts.Any(a => a.GetProperty("type").GetString() == "danger_zone_person"
            && a.GetProperty("acknowledgedBy").ValueKind == JsonValueKind.String && a.GetProperty("acknowledgedBy").GetString() == Guard);
    }

    /// <summary>A segment of the GB channel with video in it: the device registered, answered the catalog and the INVITE, and sent PS over RTP.</summary>
    private async Task<bool> GbCameraRecordedAsync()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var response = await api.GetAsync($"/api/video/cameras/{GbCamera}/segments?from={now - 3_600_000}&to={now + 60_000}");
        return response.IsSuccessStatusCode // 404 until the catalog has made the channel a camera.
            && (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Any(s => s.GetProperty("size").GetInt64() > 1_000);
    }

    private async Task<bool> CameraZoneEventAsync()
    {
        var events = await api.GetFromJsonAsync<JsonElement>($"/api/video/events?camera={BeachCamera}&type=zone_enter");
        return events.EnumerateArray().Any(e => e.GetProperty("event").GetProperty("zone").GetString() == "beach-waterline");
    }

    private async Task<bool> OccupancyAsync()
    {
        var gym = await api.GetFromJsonAsync<JsonElement>($"/api/shelters/{Gym}");
        return gym.GetProperty("occupancy").GetProperty("occupants").GetInt64() > 0;
    }

    private async Task<bool> DischargeLoudspeakerAsync()
    {
        foreach (var notice in (await api.GetFromJsonAsync<JsonElement>("/api/water/notices")).EnumerateArray())
        {
            var timeline = await api.GetFromJsonAsync<JsonElement>($"/api/water/notices/{notice.GetProperty("id").GetString()}");
            if (timeline.GetProperty("commands").EnumerateArray().Any(c => c.GetProperty("type").GetString() == "play_voice"
                && c.GetProperty("status").GetString() is "accepted" or "done"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The beach's risk reaches orange or worse with its level (not only its rise or a wave) among the reasons.</summary>
    private async Task ObserveLevelAsync()
    {
        var spot = await api.GetFromJsonAsync<JsonElement>($"/api/water/spots/{Beach}");
        var risk = spot.GetProperty("risk").GetString()!;
        var reasons = spot.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()).ToList();
        _risks.Add($"{risk}@{spot.GetProperty("levelM")}");
        LevelEscalation = LevelEscalation
            || (_risks.Count > 1 && risk is "orange" or "red" && reasons.Contains("level_danger"));
    }

    private async Task<bool> DangerZoneAsync(JsonElement[] alerts)
    {
        var spot = await api.GetFromJsonAsync<JsonElement>($"/api/water/spots/{Beach}");
        var devices = spot.GetProperty("spot").GetProperty("devices");
        var cameras = devices.GetProperty("cameras").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToList();
        var speakers = devices.GetProperty("loudspeakers").EnumerateArray().Select(s => s.GetString()).ToList();
        var alert = alerts.FirstOrDefault(a => a.GetProperty("type").GetString() == "danger_zone_person"
            && a.GetProperty("source").GetProperty("id").GetString() == Beach && a.GetProperty("level").GetString() == "red");
        if (alert.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        // The snapshot is the camera's own picture of the moment, served by the gateway.
        var snapshot = alert.GetProperty("evidence").EnumerateArray().FirstOrDefault(e => e.GetProperty("kind").GetString() == "snapshot");
        var uri = snapshot.ValueKind == JsonValueKind.Object ? snapshot.GetProperty("uri").GetString()! : "";
        if (!cameras.Any(c => uri.StartsWith($"/api/video/cameras/{c}/snapshots/", StringComparison.Ordinal)))
        {
            return false;
        }

        using var picture = await api.GetAsync(uri);
        var commands = await api.GetFromJsonAsync<JsonElement>($"/api/water/spots/{Beach}/commands");
        return picture.IsSuccessStatusCode && picture.Content.Headers.ContentType?.MediaType == "image/jpeg"
            && commands.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "play_voice"
                && speakers.Contains(c.GetProperty("deviceId").GetString()) && c.GetProperty("status").ValueKind == JsonValueKind.String);
    }

    private async Task<bool> DischargeAsync()
    {
        foreach (var notice in (await api.GetFromJsonAsync<JsonElement>("/api/water/notices")).EnumerateArray())
        {
            var timeline = await api.GetFromJsonAsync<JsonElement>($"/api/water/notices/{notice.GetProperty("id").GetString()}");
            if (timeline.GetProperty("commands").EnumerateArray().Any(c => c.GetProperty("type").GetString() == "siren"
                && c.GetProperty("status").GetString() is "accepted" or "done"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The gym's 80 % alert was raised, and it named the open overflow shelter the redirect suggests.</summary>
    private async Task<bool> ShelterAsync(JsonElement[] alerts)
    {
        var alert = alerts.FirstOrDefault(a => a.GetProperty("type").GetString() == "shelter_80" && a.GetProperty("source").GetProperty("id").GetString() == Gym);
        if (alert.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var redirect = await api.GetFromJsonAsync<JsonElement>($"/api/shelters/redirect?from={Gym}");
        var suggested = redirect.EnumerateArray().Select(s => s.GetProperty("shelterId").GetString()!).ToList();
        return suggested.Count > 0 && suggested.Any(id => alert.GetRawText().Contains(id, StringComparison.Ordinal));
    }

    private async Task<bool> LineAsync()
    {
        var gym = await api.GetFromJsonAsync<JsonElement>($"/api/shelters/{Gym}");
        return gym.GetProperty("occupancy").GetProperty("entrances").EnumerateArray()
            .Any(e => e.GetProperty("sources").EnumerateArray().Any(s => s.GetProperty("key").GetString()!.StartsWith("line:", StringComparison.Ordinal)
                && s.GetProperty("in").GetInt64() > 0 && s.GetProperty("out").GetInt64() > 0));
    }

    private async Task<bool> DoorAsync(JsonElement[] alerts)
    {
        var events = await api.GetFromJsonAsync<JsonElement>($"/api/doors/events?device={ForcedDoor}&type=door_forced");
        return events.EnumerateArray().Any() && alerts.Any(a => a.GetProperty("source").GetProperty("id").GetString() == ForcedDoor
            && a.GetProperty("level").GetString() == "red");
    }
}
