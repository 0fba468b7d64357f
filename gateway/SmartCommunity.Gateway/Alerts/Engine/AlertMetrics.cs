using System.Collections.Concurrent;
using SmartCommunity.Gateway.Infrastructure.Metrics;

namespace SmartCommunity.Gateway.Alerts.Engine;

/// <summary>The alerts feature's counters on <c>/metrics</c>; labelled children are created once and cached.</summary>
internal sealed class AlertMetrics(MetricsRegistry registry)
{
    private readonly ConcurrentDictionary<(string, string), Counter> _notifications = new();
    private readonly ConcurrentDictionary<string, Counter> _dropped = new(StringComparer.Ordinal);

    public Counter CapInvalid { get; } = registry.Counter("sc_alerts_cap_invalid_total", "CAP exports refused because the rendered message broke a CAP 1.2 rule (answered 500 cap_invalid, logged with the rules).");

    public Counter Raised { get; } = registry.Counter("sc_alerts_raised_total", "Alerts created (a new open alert for a source and type).");

    public Counter Updated { get; } = registry.Counter("sc_alerts_updated_total", "Triggers folded into an open alert (repeat, group burst, level change).");

    public Counter Adopted { get; } = registry.Counter("sc_alerts_adopted_total", "New alerts another gateway had already raised for the same source and type (the database kept theirs).");

    public Counter Resolved { get; } = registry.Counter("sc_alerts_resolved_total", "Alerts resolved (condition cleared, by a person, or a quiet group).");

    public Counter Cancelled { get; } = registry.Counter("sc_alerts_cancelled_total", "Alerts cancelled (the warning was withdrawn).");

    public Counter Acknowledged { get; } = registry.Counter("sc_alerts_acknowledged_total", "Alerts acknowledged by a person.");

    public Counter Escalations { get; } = registry.Counter("sc_alerts_escalations_total", "Escalations to the next duty level (or repeats at the top).");

    public Counter Inhibited { get; } = registry.Counter("sc_alerts_inhibited_total", "Alerts muted by an inhibition rule.");

    public Counter Silenced { get; } = registry.Counter("sc_alerts_silenced_total", "Alerts muted by a silence.");

    public Counter Unrouted { get; } = registry.Counter("sc_alerts_unrouted_total", "Alerts nobody is responsible for (no person on the cell's path nor any top-tier staff).");

    public Counter Conflicts { get; } = registry.Counter("sc_alerts_conflicts_total", "Changes of state or routing the database refused because another gateway changed the alert first (applied again, or superseded).");

    public Counter StoreErrors { get; } = registry.Counter("sc_alerts_store_errors_total", "Failed database writes of the alerts engine (retried with the next batch).");

    public Histogram BatchSeconds { get; } = registry.Histogram("sc_alerts_batch_seconds", "Time to apply and store one engine batch.", Histogram.LatencyBuckets);

    /// <summary>Notifications per channel (mqtt, webhook) and outcome (queued, delivered, failed, retried, dropped).</summary>
    public Counter Notification(string channel, string outcome) =>
        _notifications.GetOrAdd((channel, outcome), k => registry.Counter("sc_alerts_notifications_total", "Alert notifications by channel and outcome.", ("channel", k.Item1), ("outcome", k.Item2)));

    /// <summary>Commands refused without being applied, by reason (queue_full, stopped).</summary>
    public Counter Dropped(string reason) =>
        _dropped.GetOrAdd(reason, r => registry.Counter("sc_alerts_dropped_total", "Alert commands dropped before the engine applied them.", ("reason", r)));

    public void OpenGauge(AlertLevel level, Func<double> read) =>
        registry.Gauge("sc_alerts_open", "Open alerts (raised or acknowledged) by level.", read, ("level", AlertNames.Of(level)));

    public void QueueGauge(Func<double> read) => registry.Gauge("sc_alerts_queue_depth", "Commands waiting for the alerts engine.", read);
}
