using SmartCommunity.TimeSeries.Points;

namespace SmartCommunity.TimeSeries.Writing;

/// <summary>Accepts points for a time-series database without ever blocking the producer.</summary>
public interface IPointWriter : IAsyncDisposable
{
    /// <summary>
    /// Queues a point; never blocks. False when the in-memory buffer is full: telemetry is then dropped and counted,
    /// a durable point is refused (counted) and stays the caller's to retry or <see cref="WriteAsync"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The point has no fields.</exception>
    bool TryWrite(Point point);

    /// <summary>Queues a point, waiting for room in the buffer: for durable events whose producer can afford to wait.</summary>
    ValueTask WriteAsync(Point point, CancellationToken cancellationToken = default);

    /// <summary>Completes when every point queued before the call has been sent, spooled or dropped (and counted).</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    TimeSeriesCounters GetCounters();
}
