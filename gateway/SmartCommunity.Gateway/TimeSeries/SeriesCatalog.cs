namespace SmartCommunity.Gateway.TimeSeries;

/// <summary>
/// A measurement the query API serves: its numeric fields, and whether its points carry the <c>device</c>/<c>cell</c>
/// tags (guards may read only those, for their own cells). A feature that writes its own series registers one:
/// <c>services.AddSingleton(new SeriesDefinition("shelter_occupancy", ["occupants", "capacity"], PerDevice: false))</c>.
/// </summary>
public sealed record SeriesDefinition(string Measurement, IReadOnlyList<string> Fields, bool PerDevice);

/// <summary>Every measurement the API may be asked for: the gateway's own and those features registered.</summary>
public sealed class SeriesCatalog
{
    /// <summary>What the gateway itself writes (<see cref="DeviceSeriesHandler"/>, <see cref="GatewayMetricsSampler"/>, <see cref="AlertSeriesRecorder"/>).</summary>
    public static IReadOnlyList<SeriesDefinition> BuiltIn { get; } =
    [
        new(SeriesNames.WaterLevel, ["level_m", "flow_m3s", "rain_mm"], PerDevice: true),
        new(SeriesNames.CameraStream, ["fps", "bitrate_kbps"], PerDevice: true),
        new(SeriesNames.DoorTraffic, ["in_total", "out_total"], PerDevice: true),
        new(SeriesNames.DeviceHealth, ["battery_v", "signal_dbm", "temperature_c"], PerDevice: true),
        new(SeriesNames.DeviceEvent, ["count"], PerDevice: true),
        new(SeriesNames.GatewayIngest, ["received", "accepted", "accepted_per_s"], PerDevice: false),
        new(SeriesNames.GatewayRejects, ["rejected", "rejected_per_s"], PerDevice: false),
        new(SeriesNames.GatewayDevices, ["online", "total"], PerDevice: false),
        new(SeriesNames.Alert, ["count"], PerDevice: false),
    ];

    private readonly Dictionary<string, SeriesDefinition> _byName = new(StringComparer.Ordinal);

    public SeriesCatalog(IEnumerable<SeriesDefinition> registered)
    {
        foreach (var definition in BuiltIn.Concat(registered))
        {
            _byName[definition.Measurement] = definition;
        }
    }

    public IEnumerable<string> Measurements => _byName.Keys.Order(StringComparer.Ordinal);

    public SeriesDefinition? Find(string measurement) => _byName.GetValueOrDefault(measurement);
}
