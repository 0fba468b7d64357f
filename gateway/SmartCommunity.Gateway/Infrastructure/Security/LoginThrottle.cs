using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Infrastructure.Metrics;

namespace SmartCommunity.Gateway.Infrastructure.Security;

/// <summary>A burst of failed logins, against one name from anywhere or from one address against any names.</summary>
/// <param name="Target"><c>name</c> or <c>source</c>.</param>
/// <param name="Key">The name, or the source address.</param>
public sealed record BruteForceAttempt(string Target, string Key, int Failures, TimeSpan Window);

/// <summary>
/// Slows password guessing without handing strangers a lockout button. Shared by API login, HTTP Basic and MQTT.
/// </summary>
/// <remarks>
/// Failures are counted per (source address, name): after <see cref="AuthOptions.LoginFailuresBeforeLockout"/> of
/// them within <see cref="AuthOptions.LoginLockout"/>, that address is refused for that name until the window
/// passes, and nothing else is. Issue 19: counting per name alone let anyone keep a device offline with five wrong
/// passwords a minute; the device, connecting from its own address with the right secret, must still get in.
/// Spreading guesses over many addresses is not throttled per name, but it is seen: failures per name (from
/// anywhere) and per address (against any names) are counted over <see cref="AuthOptions.BruteForceWindow"/>, and
/// reaching <see cref="AuthOptions.BruteForceFailures"/> is counted in <c>sc_auth_brute_force_total</c> and raised
/// as an alert (<see cref="BruteForceDetected"/>), once per window.
/// </remarks>
public sealed class LoginThrottle
{
    // Should be rare: a flood of made-up names or addresses; forget rather than grow.
    private const int MaxEntries = 100_000;
    private readonly TimeProvider _time;
    private readonly AuthOptions _options;
    private readonly ConcurrentDictionary<(string Source, string Name), Window> _pairs = new();
    private readonly ConcurrentDictionary<string, Window> _names = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Window> _sources = new(StringComparer.Ordinal);
    private readonly MetricsRegistry _metrics;
    private readonly Counter _bruteForceByName;
    private readonly Counter _bruteForceBySource;

    public LoginThrottle(TimeProvider time, IOptions<AuthOptions> options, MetricsRegistry metrics)
    {
        _time = time;
        _options = options.Value;
        _metrics = metrics;
        _bruteForceByName = metrics.Counter("sc_auth_brute_force_total", "Bursts of failed logins seen (each raises an alert), by what they aimed at.", ("target", "name"));
        _bruteForceBySource = metrics.Counter("sc_auth_brute_force_total", "Bursts of failed logins seen (each raises an alert), by what they aimed at.", ("target", "source"));
    }

    /// <summary>Raised (on the failing login's thread) when a burst of failures is first seen in a window.</summary>
    public event Action<BruteForceAttempt>? BruteForceDetected;

    /// <summary>The address as counted: IPv4-mapped IPv6 as IPv4, none as <c>unknown</c>.</summary>
    public static string SourceOf(IPAddress? address) =>
        address is null ? "unknown" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    /// <summary>True while this address may not try this name; counted in <c>sc_auth_throttled_total{channel}</c>.</summary>
    public bool IsLockedOut(IPAddress? source, string name, string channel)
    {
        var locked = _pairs.TryGetValue((SourceOf(source), name), out var window)
            && window.Count(_time.GetUtcNow(), _options.LoginLockout) >= _options.LoginFailuresBeforeLockout;
        if (locked)
        {
            _metrics.Counter("sc_auth_throttled_total", "Logins refused unchecked: too many failures from this address for this name.", ("channel", channel)).Inc();
        }

        return locked;
    }

    public void Failed(IPAddress? source, string name, string channel)
    {
        var now = _time.GetUtcNow();
        var address = SourceOf(source);
        _metrics.Counter("sc_auth_failures_total", "Failed logins (wrong or unknown name or password), by channel.", ("channel", channel)).Inc();
        Record(_pairs, (address, name), now, _options.LoginLockout);
        var byName = Record(_names, name, now, _options.BruteForceWindow);
        var bySource = Record(_sources, address, now, _options.BruteForceWindow);
        if (byName == _options.BruteForceFailures)
        {
            _bruteForceByName.Inc();
            BruteForceDetected?.Invoke(new BruteForceAttempt("name", name, byName, _options.BruteForceWindow));
        }

        if (bySource == _options.BruteForceFailures)
        {
            _bruteForceBySource.Inc();
            BruteForceDetected?.Invoke(new BruteForceAttempt("source", address, bySource, _options.BruteForceWindow));
        }
    }

    /// <summary>Forgets this address's failures for this name (the per-name and per-address bursts stay counted).</summary>
    public void Succeeded(IPAddress? source, string name) => _pairs.TryRemove((SourceOf(source), name), out _);

    private static int Record<TKey>(ConcurrentDictionary<TKey, Window> windows, TKey key, DateTimeOffset now, TimeSpan length)
        where TKey : notnull
    {
        if (windows.Count > MaxEntries)
        {
            windows.Clear();
        }

        return windows.GetOrAdd(key, _ => new Window()).Add(now, length);
    }

    /// <summary>Failures since the window opened; a failure after it closed opens a new one.</summary>
    private sealed class Window
    {
        private readonly Lock _lock = new();
        private DateTimeOffset _since;
        private int _count;

        public int Add(DateTimeOffset now, TimeSpan length)
        {
            lock (_lock)
            {
                if (_count == 0 || now - _since >= length)
                {
                    _since = now;
                    _count = 0;
                }

                return ++_count;
            }
        }

        public int Count(DateTimeOffset now, TimeSpan length)
        {
            lock (_lock)
            {
                return now - _since < length ? _count : 0;
            }
        }
    }
}
