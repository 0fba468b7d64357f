namespace SmartCommunity.Dashboard.Tests.Support;

/// <summary>A demo level station: <c>level_m</c> telemetry over MQTT.</summary>
public static class LevelStation
{
    /// <summary>The beach's station (the spot whose risk the shared fixture makes red above danger).</summary>
    public static Task PublishBeachAsync(int mqttPort, params double[] levels) =>
        PublishAsync(mqttPort, DemoPeople.BeachStation, DemoPeople.BeachStationSecret, levels);

    /// <summary>Readings one second apart, the last one now.</summary>
    public static Task PublishAsync(int mqttPort, string deviceId, string secret, params double[] levels)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var payloads = levels.Select((level, i) =>
            DeviceMqtt.Invariant($$"""{"v":1,"ts":{{now - ((levels.Length - 1 - i) * 1000L)}},"seq":{{DeviceMqtt.NextSeq()}},"level_m":{{level}}}"""));
        return DeviceMqtt.PublishAsync(mqttPort, deviceId, secret, "telemetry", payloads.ToList());
    }
}
