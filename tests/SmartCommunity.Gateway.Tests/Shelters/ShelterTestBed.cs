using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MQTTnet;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Shelters.Occupancy;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.Tests.Shelters;

/// <summary>
/// Shelter helpers on the real gateway: counting devices registered, shelters put through the API as emergency
/// staff, passages and line crossings published over MQTT as the devices would.
/// </summary>
public static class ShelterTestBed
{
    public const string DoorA = "door-s1";
    public const string DoorB = "door-s2";
    public const string CameraA = "cam-s1";
    public const string Line = "gate-line";

    /// <summary>Fast ticks and a short silence, so fallback tests take seconds.</summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["Shelters:Tick"] = "00:00:00.100",
        ["Shelters:SourceSilence"] = "00:00:01.500",
        ["Shelters:MatchWindow"] = "00:00:00.500",
    };

    public static void RegisterDevices(GatewayFactory gateway)
    {
        var devices = gateway.Get<DeviceRegistry>();
        foreach (var (id, kind, cell) in new[] { (DoorA, DeviceKind.DoorAccess, TestCommunity.BuildingA), (DoorB, DeviceKind.DoorAccess, TestCommunity.BuildingB), (CameraA, DeviceKind.Camera, TestCommunity.BuildingA) })
        {
            if (devices.Get(id) is null)
            {
                Assert.Null(devices.Upsert(new Device(id, kind, id, cell, null, null, true, new Dictionary<string, string>()), TestCommunity.SecretOf(id)));
            }
        }
    }

    public static object Body(string name = "School gym", string cell = TestCommunity.BuildingA, double area = 30, int? capacity = null, double lat = 28.19, double lon = 112.97,
        bool open = true, object[]? entrances = null) => new
        {
            name,
            @class = "fixed",
            duration = "III",
            effectiveAreaM2 = area,
            capacity,
            cellId = cell,
            lat,
            lon,
            open,
            entrances = entrances ?? [new { id = "main", sources = new object[] { new { device = DoorA, door = "main" }, new { device = CameraA, line = Line } } }],
        };

    public static async Task PutAsync(GatewayFactory gateway, string id, object body)
    {
        using var em = await gateway.LoginAsync("em");
        var response = await em.PutAsJsonAsync($"/api/shelters/{id}", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public static string Passage(long seq, string direction, long? ts = null, int count = 1, string door = "main") => string.Create(CultureInfo.InvariantCulture,
        $$"""{"v":1,"ts":{{ts ?? Payloads.NowMs}},"seq":{{seq}},"type":"passage","door":"{{door}}","direction":"{{direction}}","count":{{count}}}""");

    public static string Crossing(long seq, string direction, long? ts = null, int count = 1, string line = Line) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"v":1,"ts":{{ts ?? Payloads.NowMs}},"seq":{{seq}},"type":"line_cross","line":"{{line}}","direction":"{{direction}}","count":{{count}},"track":{{seq}},"label":"person"}""");

    public static string Telemetry(long seq) => string.Create(CultureInfo.InvariantCulture, $$"""{"v":1,"ts":{{Payloads.NowMs}},"seq":{{seq}},"temperature_c":21.5}""");

    public static Task PublishEventAsync(this IMqttClient client, string deviceId, string payload) => client.PublishAsync(TopicScheme.Event(deviceId), payload);

    /// <summary>Waits until the counting loop has stored what ingest handed it (ingest first, then the loop).</summary>
    public static async Task<ShelterOccupancy> SettledAsync(GatewayFactory gateway, string shelterId, Func<ShelterOccupancy, bool> until, string because)
    {
        var counter = gateway.Get<ShelterCounter>();
        try
        {
            await SmartCommunity.Testing.Eventually.TrueAsync(async () =>
            {
                await counter.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
                return counter.Occupancy(shelterId) is { } o && until(o);
            }, TimeSpan.FromSeconds(20), because);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + ". Last occupancy: " + JsonSerializer.Serialize(counter.Occupancy(shelterId)), ex);
        }

        return counter.Occupancy(shelterId)!;
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
