using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using SmartCommunity.Sl651.Framing;

namespace SmartCommunity.Sl651.Server;

/// <summary>
/// The servers' <see cref="Sl651ServerCounters"/> as System.Diagnostics.Metrics instruments on the meter
/// <c>SmartCommunity.Sl651</c>, the same recipe as the gateway's and the time-series library's (docs/architecture.md,
/// "Metrics"): the server keeps each count in one interlocked long (a frame costs one atomic add), and observable
/// counters and gauges read them when they are collected, labelled by the listener's endpoint.
/// </summary>
public static partial class Sl651Instruments
{
    public const string MeterName = "SmartCommunity.Sl651";

    private static readonly Sl651RejectReason[] Reasons = Enum.GetValues<Sl651RejectReason>();

    /// <summary>Creates the instruments on the host's meter; <paramref name="servers"/> lists the running servers by endpoint, read at each collection.</summary>
    public static Meter Publish(IMeterFactory meters, Func<IEnumerable<(string Listener, Sl651ServerCounters Counters)>> servers)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(servers);
        var meter = meters.Create(MeterName);
        Count(meter, servers, "sc_sl651_connections_accepted_total", "RTU connections accepted.", c => c.ConnectionsAccepted);
        Count(meter, servers, "sc_sl651_connections_refused_total", "Connections closed on arrival because MaxConnections were open.", c => c.ConnectionsRefused);
        Count(meter, servers, "sc_sl651_idle_timeouts_total", "Connections closed after IdleTimeout without a byte.", c => c.IdleTimeouts);
        Count(meter, servers, "sc_sl651_connection_faults_total", "Connections ended by an unexpected exception.", c => c.ConnectionFaults);
        Count(meter, servers, "sc_sl651_frames_accepted_total", "Frames that passed framing and CRC checks.", c => c.FramesAccepted);
        Count(meter, servers, "sc_sl651_keepalives_total", "Link keep-alive frames (function code 2F).", c => c.KeepAlives);
        Count(meter, servers, "sc_sl651_reports_delivered_total", "Reports parsed and handed to their device.", c => c.ReportsDelivered);
        Count(meter, servers, "sc_sl651_reports_dropped_total", "Reports parsed but not acknowledged (device queue full, or no device owns the station): the RTU resends.", c => c.ReportsDropped);
        Count(meter, servers, "sc_sl651_acks_sent_total", "Acknowledgements sent to RTUs.", c => c.AcksSent);
        Count(meter, servers, "sc_sl651_garbage_bytes_total", "Bytes skipped while looking for 7E 7E, including the rest of each rejected frame.", c => c.GarbageBytes);
        meter.CreateObservableCounter("sc_sl651_rejected_total", () => Rejected(servers()),
            description: "Frames rejected, by reason (the Sl651RejectReason, in snake_case).");
        meter.CreateObservableGauge("sc_sl651_active_connections", () => servers().Select(s => new Measurement<long>(s.Counters.ActiveConnections, Listener(s.Listener))),
            description: "RTU connections open now.");
        return meter;
    }

    /// <summary>A reason's label: <c>CrcMismatch</c> → <c>crc_mismatch</c>, the style of every other reason label on /metrics.</summary>
    public static string ReasonLabel(Sl651RejectReason reason) => UpperAfterLower().Replace(reason.ToString(), "$1_$2").ToLowerInvariant();

    private static IEnumerable<Measurement<long>> Rejected(IEnumerable<(string Listener, Sl651ServerCounters Counters)> servers)
    {
        foreach (var (listener, counters) in servers)
        {
            foreach (var reason in Reasons)
            {
                yield return new Measurement<long>(counters.Rejects(reason),
                    new KeyValuePair<string, object?>("listener", listener), new KeyValuePair<string, object?>("reason", ReasonLabel(reason)));
            }
        }
    }

    private static void Count(Meter meter, Func<IEnumerable<(string Listener, Sl651ServerCounters Counters)>> servers, string name, string help, Func<Sl651ServerCounters, long> read) =>
        meter.CreateObservableCounter(name, () => servers().Select(s => new Measurement<long>(read(s.Counters), Listener(s.Listener))), description: help);

    private static KeyValuePair<string, object?> Listener(string listener) => new("listener", listener);

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex UpperAfterLower();
}
