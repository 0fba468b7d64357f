using SmartCommunity.Protocol.Validation;

namespace SmartCommunity.Gateway.Ingest;

/// <summary>A refused message as operators see it in <c>GET /api/ingest/rejections</c>.</summary>
public sealed record Rejection(DateTimeOffset At, string Source, string Topic, string Reason, string Error);

/// <summary>
/// The last N refusals, so an installer can ask "why is my device's data not showing up?" without reading
/// logs. Bounded ring; older entries are overwritten.
/// </summary>
public sealed class RejectionLog(TimeProvider time)
{
    private const int Capacity = 500;
    private readonly Rejection[] _ring = new Rejection[Capacity];
    private readonly Lock _lock = new();
    private long _next;

    public void Add(string source, string topic, RejectReason reason, string error)
    {
        // Topics from hostile clients can be long; keep what identifies them.
        var entry = new Rejection(time.GetUtcNow(), Truncate(source, 64), Truncate(topic, 200), reason.Label(), Truncate(error, 500));
        lock (_lock)
        {
            _ring[_next++ % Capacity] = entry;
        }
    }

    public IReadOnlyList<Rejection> Recent(string? source = null, int limit = 100)
    {
        lock (_lock)
        {
            var result = new List<Rejection>();
            for (var i = _next - 1; i >= Math.Max(0, _next - Capacity) && result.Count < limit; i--)
            {
                var entry = _ring[i % Capacity];
                if (source is null || entry.Source == source)
                {
                    result.Add(entry);
                }
            }

            return result;
        }
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max] + "…";
}
