using System.Collections.Concurrent;

namespace SmartCommunity.Gateway.Infrastructure.Security;

/// <summary>
/// Slows password guessing: after <see cref="MaxFailures"/> failures for one name within the window, that
/// name is refused without checking the password until the window passes. Shared by API login and MQTT.
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailures = 5;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset Since)> _failures = new(StringComparer.Ordinal);

    public bool IsLockedOut(string name) =>
        _failures.TryGetValue(name, out var entry) && entry.Failures >= MaxFailures && time.GetUtcNow() - entry.Since < Window;

    public void Failed(string name)
    {
        var now = time.GetUtcNow();
        if (_failures.Count > 100_000)
        {
            _failures.Clear(); // Should be rare: a flood of made-up names; forget rather than grow.
        }

        _failures.AddOrUpdate(name, _ => (1, now), (_, e) => now - e.Since >= Window ? (1, now) : (e.Failures + 1, e.Since));
    }

    public void Succeeded(string name) => _failures.TryRemove(name, out _);
}
