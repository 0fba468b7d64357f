using System.Diagnostics.Metrics;
using SmartCommunity.EdgeAgent.Devices;

namespace SmartCommunity.EdgeAgent.Diagnostics;

/// <summary>
/// The devices' <see cref="DeviceCounters"/> and queue counters as System.Diagnostics.Metrics instruments on the meter
/// <c>SmartCommunity.EdgeAgent</c> (docs/architecture.md, "Metrics"): each count stays one interlocked long in the
/// device, observable counters and gauges read a snapshot of every device when they are collected, labelled
/// <c>device</c>. Drops carry the same reasons as the counters log line.
/// </summary>
public static class AgentInstruments
{
    public const string MeterName = "SmartCommunity.EdgeAgent";

    public static Meter Publish(IMeterFactory meters, Func<IEnumerable<DeviceRuntime>> devices)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(devices);
        var meter = meters.Create(MeterName);
        IEnumerable<CountersSnapshot> Snapshots() => devices().Select(d => d.Snapshot());

        Count(meter, Snapshots, "sc_agent_published_total", "Messages the broker acknowledged.", s => s.Published);
        Count(meter, Snapshots, "sc_agent_replayed_total", "Published messages that had waited in the queue (sent after an outage or restart).", s => s.Replayed);
        Count(meter, Snapshots, "sc_agent_reconnects_total", "Connections made after the first one.", s => s.Reconnects);
        Count(meter, Snapshots, "sc_agent_commands_received_total", "Commands received from the gateway.", s => s.CommandsReceived);
        Count(meter, Snapshots, "sc_agent_driver_restarts_total", "Driver restarts after a fault.", s => s.DriverRestarts);
        Count(meter, Snapshots, "sc_agent_queue_corrupt_bytes_total", "Bytes cut from queue segment tails that failed their length or CRC check on open.", s => s.CorruptBytesTruncated);
        meter.CreateObservableCounter("sc_agent_dropped_total", () => Snapshots().SelectMany(s => (Measurement<long>[])
        [
            Reason(s, s.DroppedOldestTelemetry, "oldest_telemetry"), Reason(s, s.RefusedTelemetry, "refused_telemetry"),
            Reason(s, s.RefusedEvents, "refused_event"), Reason(s, s.BrokerRejected, "broker_rejected"), Reason(s, s.WriteFailures, "write_failed"),
        ]), description: "Messages dropped, by reason.");
        meter.CreateObservableCounter("sc_agent_commands_refused_total", () => Snapshots().SelectMany(s => (Measurement<long>[])
        [
            Reason(s, s.CommandsMalformed, "malformed"), Reason(s, s.CommandsExpired, "expired"),
        ]), description: "Commands refused, by reason.");
        Gauge(meter, Snapshots, "sc_agent_connected", "1 while the device's MQTT connection is up.", s => s.Connected ? 1 : 0);
        Gauge(meter, Snapshots, "sc_agent_queue_messages", "Messages stored and not yet acknowledged by the broker.", s => s.Queued);
        Gauge(meter, Snapshots, "sc_agent_queue_bytes", "Payload bytes of those messages.", s => s.QueuedBytes);
        return meter;
    }

    private static Measurement<long> Reason(CountersSnapshot s, long value, string reason) =>
        new(value, new KeyValuePair<string, object?>("device", s.DeviceId), new KeyValuePair<string, object?>("reason", reason));

    private static void Count(Meter meter, Func<IEnumerable<CountersSnapshot>> snapshots, string name, string help, Func<CountersSnapshot, long> read) =>
        meter.CreateObservableCounter(name, () => snapshots().Select(s => new Measurement<long>(read(s), Device(s))), description: help);

    private static void Gauge(Meter meter, Func<IEnumerable<CountersSnapshot>> snapshots, string name, string help, Func<CountersSnapshot, long> read) =>
        meter.CreateObservableGauge(name, () => snapshots().Select(s => new Measurement<long>(read(s), Device(s))), description: help);

    private static KeyValuePair<string, object?> Device(CountersSnapshot s) => new("device", s.DeviceId);
}
