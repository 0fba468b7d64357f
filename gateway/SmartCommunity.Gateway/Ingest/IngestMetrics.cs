using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Protocol.Validation;

namespace SmartCommunity.Gateway.Ingest;

/// <summary>The ingest path's counters, created once so the hot path only increments.</summary>
public sealed class IngestMetrics
{
    private readonly Counter[] _received;
    private readonly Counter[] _accepted;
    private readonly Counter[] _rejected;
    private readonly Histogram[] _latency;
    private readonly Counter[] _clockSuspect;

    public IngestMetrics(MetricsRegistry registry)
    {
        var classes = Enum.GetValues<MessageClass>();
        _received = new Counter[classes.Length];
        _accepted = new Counter[classes.Length];
        _latency = new Histogram[classes.Length];
        _clockSuspect = new Counter[classes.Length];
        foreach (var c in classes)
        {
            var label = ("class", ClassLabel(c));
            _received[(int)c] = registry.Counter("sc_ingest_received_total", "Messages handed to the gateway by the broker, by class.", label);
            _accepted[(int)c] = registry.Counter("sc_ingest_accepted_total", "Messages decoded, validated and dispatched to features, by class.", label);
            _clockSuspect[(int)c] = registry.Counter("sc_ingest_clock_suspect_total", "Messages kept with the receive time because the device's timestamp was implausible, by class (per device: GET /api/devices).", label);
            _latency[(int)c] = registry.Histogram("sc_ingest_latency_seconds", "Time from the broker's hand-over to the end of dispatch, by class.", Histogram.LatencyBuckets, label);
        }

        var reasons = Enum.GetValues<RejectReason>();
        _rejected = new Counter[reasons.Length];
        foreach (var r in reasons)
        {
            _rejected[(int)r] = registry.Counter("sc_ingest_rejected_total", "Messages refused, by reason.", ("reason", r.Label()));
        }

        Shed = registry.Counter("sc_ingest_shed_total", "Telemetry dropped oldest-first because a worker queue was full (overload).", ("class", "telemetry"));
        HandlerErrors = registry.Counter("sc_ingest_handler_errors_total", "Exceptions thrown by feature handlers (caught; other handlers still ran).");
        Replayed = registry.Counter("sc_ingest_journal_replayed_total", "Journaled messages handled again at start because the last stop was not clean (a crash or a kill).");
        Gaps = registry.Counter("sc_ingest_sequence_gaps_total", "Sequence numbers skipped by devices (messages lost before reaching the gateway).");
    }

    public Counter Shed { get; }

    public Counter HandlerErrors { get; }

    public Counter Gaps { get; }

    public Counter Replayed { get; }

    public Counter Received(MessageClass c) => _received[(int)c];

    public Counter Accepted(MessageClass c) => _accepted[(int)c];

    public Counter Rejected(RejectReason r) => _rejected[(int)r];

    public Histogram Latency(MessageClass c) => _latency[(int)c];

    public Counter ClockSuspect(MessageClass c) => _clockSuspect[(int)c];

    public long TotalAccepted => _accepted.Sum(c => c.Value);

    public long TotalRejected => _rejected.Sum(c => c.Value);

    public static string ClassLabel(MessageClass c) => c switch
    {
        MessageClass.Telemetry => "telemetry",
        MessageClass.Event => "event",
        MessageClass.Status => "status",
        MessageClass.Command => "command",
        MessageClass.CommandAck => "command_ack",
        MessageClass.PersonAlert => "person_alert",
        MessageClass.PersonAck => "person_ack",
        _ => "unknown",
    };
}
