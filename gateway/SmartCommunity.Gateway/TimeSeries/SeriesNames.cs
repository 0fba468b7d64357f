namespace SmartCommunity.Gateway.TimeSeries;

/// <summary>
/// Measurement, tag and field names the gateway writes (docs/timeseries.md, "Schema"). Names are snake_case nouns;
/// units are part of field names, as in the device protocol. Tags are bounded sets only: device id, kind, cell and
/// small enumerations (event type, direction, class, reason); never sequence numbers or free text.
/// </summary>
public static class SeriesNames
{
    // Tags shared by every per-device measurement.
    public const string DeviceTag = "device";
    public const string KindTag = "kind";
    public const string CellTag = "cell";

    /// <summary>Water-level stations: <c>level_m</c>, <c>flow_m3s</c>, <c>rain_mm</c>.</summary>
    public const string WaterLevel = "water_level";

    /// <summary>Cameras: <c>fps</c>, <c>bitrate_kbps</c>.</summary>
    public const string CameraStream = "camera_stream";

    /// <summary>Door units: cumulative <c>in_total</c>, <c>out_total</c> since the unit booted.</summary>
    public const string DoorTraffic = "door_traffic";

    /// <summary>Any device: <c>battery_v</c>, <c>signal_dbm</c>, <c>temperature_c</c>.</summary>
    public const string DeviceHealth = "device_health";

    /// <summary>Device events (durable): field <c>count</c>, extra tags <c>type</c> and (passages, crossings) <c>direction</c>.</summary>
    public const string DeviceEvent = "device_event";

    /// <summary>Gateway ingest per message class, per sample: <c>received</c>, <c>accepted</c>, <c>accepted_per_s</c>. Tag <c>class</c>.</summary>
    public const string GatewayIngest = "gateway_ingest";

    /// <summary>Gateway rejects per reason, per sample: <c>rejected</c>, <c>rejected_per_s</c>. Tag <c>reason</c>. Only reasons that moved are written.</summary>
    public const string GatewayRejects = "gateway_rejects";

    /// <summary>Devices per kind at the sample: <c>online</c>, <c>total</c>. Tag <c>kind</c>.</summary>
    public const string GatewayDevices = "gateway_devices";

    /// <summary>Water safety (issue 4), per spot, at every evaluation: <c>level_m</c>, <c>risk</c> (0–4). Tags <c>spot</c>, <c>cell</c>.</summary>
    public const string WaterRisk = "water_risk";

    /// <summary>Water safety: discharge notices (durable), per reach at issue, amend, cancel and pass: <c>flow_m3s</c>, <c>active</c> (1/0). Tags <c>reach</c>, <c>source</c>.</summary>
    public const string WaterDischarge = "water_discharge";

    /// <summary>Reserved for shelters: <c>occupants</c>, <c>capacity</c>. Tags <c>shelter</c>, <c>cell</c>.</summary>
    public const string ShelterOccupancy = "shelter_occupancy";

    /// <summary>Alerts (durable, <see cref="AlertSeriesRecorder"/>): field <c>count</c> per raised alert. Tags <c>level</c>, <c>type</c>, <c>cell</c>.</summary>
    public const string Alert = "alert";
}
