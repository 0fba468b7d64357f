using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Gateway.TimeSeries;

/// <summary>
/// Turns device telemetry and events into points (schema in docs/timeseries.md). Runs on ingest workers, so it only
/// builds points and calls <see cref="IPointWriter.TryWrite"/>, which never blocks; what the writer cannot take is
/// counted by the writer (<c>sc_timeseries_dropped{reason="buffer_full"}</c>, <c>sc_timeseries_durable_refused</c>).
/// Points carry the device's own timestamp, so a replayed backlog lands where it happened.
/// </summary>
public sealed class DeviceSeriesHandler : IDeviceMessageHandler
{
    private readonly IPointWriter _writer;

    public DeviceSeriesHandler(IPointWriter writer) => _writer = writer;

    public void OnTelemetry(DeviceRuntime device, TelemetryMessage message, long receivedTimestamp)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(message.Ts);
        var registration = device.Device;
        Write(registration, at, SeriesNames.WaterLevel, ("level_m", message.LevelM), ("flow_m3s", message.FlowM3s), ("rain_mm", message.RainMm));
        Write(registration, at, SeriesNames.CameraStream, ("fps", message.Fps), ("bitrate_kbps", message.BitrateKbps));
        Write(registration, at, SeriesNames.DoorTraffic, ("in_total", message.InTotal), ("out_total", message.OutTotal));
        Write(registration, at, SeriesNames.DeviceHealth, ("battery_v", message.BatteryV), ("signal_dbm", message.SignalDbm), ("temperature_c", message.TemperatureC));
    }

    public void OnEvent(DeviceRuntime device, EventMessage message, long receivedTimestamp)
    {
        var point = Tagged(new Point(SeriesNames.DeviceEvent, Durability.Durable), device.Device)
            .Tag("type", message.Type)
            .Field("count", (long)(message.Count ?? 1))
            .At(DateTimeOffset.FromUnixTimeMilliseconds(message.Ts));
        // Only the two protocol values become a tag; anything else would be free text.
        if (message.Direction is "in" or "out")
        {
            point.Tag("direction", message.Direction);
        }

        _writer.TryWrite(point);
    }

    private void Write(Device device, DateTimeOffset at, string measurement, (string Key, double? Value) a, (string Key, double? Value) b, (string Key, double? Value)? c = null)
    {
        // A message carries the fields of its own kind only; the other measurements are skipped.
        if (a.Value is null && b.Value is null && c?.Value is null)
        {
            return;
        }

        var point = Tagged(new Point(measurement), device).At(at);
        AddField(point, a);
        AddField(point, b);
        if (c is { } third)
        {
            AddField(point, third);
        }

        _writer.TryWrite(point);
    }

    private static void AddField(Point point, (string Key, double? Value) field)
    {
        // Every numeric field is written as a float, so a device sending 3 once and 3.5 later never hits
        // InfluxDB's "field type conflict" (integer counters included: 2^53 is far beyond any door count).
        if (field.Value is { } value)
        {
            point.Field(field.Key, value);
        }
    }

    private static Point Tagged(Point point, Device device)
    {
        // In key order (cell < device < kind), so Point.Tag appends instead of shifting: the insert showed in the
        // ingest profile (docs/benchmarks.md, session 4).
        if (!string.IsNullOrEmpty(device.CellId))
        {
            point.Tag(SeriesNames.CellTag, device.CellId);
        }

        return point.Tag(SeriesNames.DeviceTag, device.Id).Tag(SeriesNames.KindTag, device.Kind.ToWireName());
    }
}
