using SmartCommunity.Gateway.Infrastructure.Metrics;

namespace SmartCommunity.Gateway.Shelters.Occupancy;

/// <summary>Counters of the shelter feature (docs/shelters.md, "Metrics").</summary>
public sealed class ShelterMetrics(MetricsRegistry registry)
{
    public Counter StoreRetries { get; } = registry.Counter("sc_storage_retries_total", DoorAccess.Events.DoorEventLog.StoreRetriesHelp, ("store", "shelter_counts"));

    public Counter Counted { get; } = registry.Counter("sc_shelter_events_total", "Counting events by outcome.", ("outcome", "counted"));

    public Counter NotCounted { get; } = registry.Counter("sc_shelter_events_total", "Counting events by outcome.", ("outcome", "other_source"));

    public Counter Duplicates { get; } = registry.Counter("sc_shelter_events_total", "Counting events by outcome.", ("outcome", "duplicate"));

    public Counter QueueFullWaits { get; } = registry.Counter("sc_shelter_queue_full_total", "Counting events that held an ingest worker until the queue had room.");

    public Counter DroppedStoreError { get; } = registry.Counter("sc_shelter_dropped_total", "Counting events lost.", ("reason", "store_error"));

    public Counter StoreErrors { get; } = registry.Counter("sc_shelter_store_errors_total", "Failed counting transactions (retried, then dropped).");

    public Counter Clamped { get; } = registry.Counter("sc_shelter_clamped_total", "Updates that left a shelter's raw count below 0 (shown as 0).");

    public Counter Fallbacks { get; } = registry.Counter("sc_shelter_fallback_switches_total", "Entrances switched to a fallback source because the primary was silent.");

    public Counter Headcounts { get; } = registry.Counter("sc_shelter_headcounts_total", "Manual headcount corrections.");
}
