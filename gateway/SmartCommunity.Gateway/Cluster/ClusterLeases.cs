using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Broker;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gateway.Operations;

namespace SmartCommunity.Gateway.Cluster;

/// <summary>
/// Leases in the shared database (<c>cluster_leases</c>: name, holder, expiry), so work that must happen once per
/// community (escalations, discharge warnings, retention, rollups) runs on one gateway, and moves to another within
/// <see cref="ClusterOptions.LeaseTtl"/> plus one renewal when that one dies. A lease is taken or renewed by one
/// conditional upsert (it is ours, or it expired), the same on SQLite and PostgreSQL; no protocol between the
/// gateways exists beyond that row. Outside cluster mode (one gateway) every lease is always held.
/// Expiry compares the gateways' clocks: they must be kept in step (NTP), as for any lease with a wall-clock expiry.
/// </summary>
public sealed class ClusterLeases : BackgroundService, IOptionalService
{
    /// <summary>The lease of the community's timers: alert escalation, discharge schedule, retention, rollups.</summary>
    public const string Timers = "timers";

    private static readonly TimeSpan PurgeAge = TimeSpan.FromDays(7);

    private readonly Database _database;
    private readonly TimeProvider _time;
    private readonly ClusterOptions _options;
    private readonly ILogger<ClusterLeases> _logger;
    private readonly ConcurrentDictionary<string, long> _heldUntil = new(StringComparer.Ordinal);
    private readonly Counter _takeovers;
    private readonly Counter _errors;
    private long _purgedAt;

    public ClusterLeases(Database database, TimeProvider time, IOptions<ClusterOptions> options, IOptions<DatabaseOptions> db, IOptions<BrokerOptions> broker,
        MetricsRegistry metrics, ILogger<ClusterLeases> logger)
    {
        _database = database;
        _time = time;
        _options = options.Value;
        _logger = logger;
        Enabled = _options.Mode == ClusterMode.On
            || (_options.Mode == ClusterMode.Auto && db.Value.Provider == DatabaseProvider.PostgreSql && broker.Value.Mode == BrokerMode.External);
        Node = _options.NodeId ?? broker.Value.ClientId ?? "sc-gateway-" + Environment.MachineName;
        _takeovers = metrics.Counter("sc_cluster_lease_acquired_total", "Leases this gateway took (at start, or from a gateway that stopped renewing).");
        _errors = metrics.Counter("sc_cluster_lease_errors_total", "Lease renewals that could not reach the database (the lease lapses at its expiry).");
        metrics.Gauge("sc_cluster_leases_held", "Leases this gateway holds now (always 1 outside cluster mode).", () => Enabled ? _heldUntil.Count(l => Holds(l.Key)) : 1);
    }

    /// <summary>Whether several gateways share this database (<see cref="ClusterMode"/>).</summary>
    public bool Enabled { get; }

    /// <summary>This gateway's name in leases and in <c>cluster_fired</c>.</summary>
    public string Node { get; }

    /// <summary>Raised (on the lease loop) when this gateway takes a lease it did not hold: time to catch up on what fell due.</summary>
    public event Action<string>? Acquired;

    public bool Holds(string name) =>
        !Enabled || (_heldUntil.TryGetValue(name, out var until) && _time.GetUtcNow().ToUnixTimeMilliseconds() < until);

    /// <summary>
    /// Records that the work named <paramref name="key"/> is done; true for the one caller that records it first,
    /// on any gateway. Outside cluster mode always true (one gateway, its own in-memory state decides).
    /// </summary>
    public bool FireOnce(string key)
    {
        if (!Enabled)
        {
            return true;
        }

        using var connection = _database.Open();
        return connection.Execute("INSERT INTO cluster_fired (key, fired_at, node) VALUES (@key, @at, @node) ON CONFLICT (key) DO NOTHING",
            new { key, at = _time.GetUtcNow().ToUnixTimeMilliseconds(), node = Node }) == 1;
    }

    /// <summary>Forgets a record of <see cref="FireOnce"/> this gateway made for work the database then refused, so it can fire again.</summary>
    public void Unfire(string key)
    {
        using var connection = _database.Open();
        connection.Execute("DELETE FROM cluster_fired WHERE key = @key AND node = @node", new { key, node = Node });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        _logger.LogInformation("Cluster mode: node {Node}, lease TTL {Ttl}", Node, _options.LeaseTtl);
        using var timer = new PeriodicTimer(_options.LeaseRenewInterval, _time);
        try
        {
            do
            {
                await RenewAsync(Timers, stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: hand the leases over at once rather than at their expiry.
        }

        await ReleaseAsync();
    }

    private async Task RenewAsync(string name, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var ttl = (long)_options.LeaseTtl.TotalMilliseconds;
        try
        {
            await using var connection = await _database.OpenAsync(cancellationToken);
            var taken = await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO cluster_leases (name, holder, expires_at) VALUES (@name, @node, @expires)
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE cluster_leases.holder = excluded.holder OR cluster_leases.expires_at < @now
                """, new { name, node = Node, expires = now + ttl, now }, cancellationToken: cancellationToken)) == 1;
            var held = Holds(name);
            if (taken)
            {
                // Trusted a second less than the others wait: a late renewal never lets two gateways both hold it.
                _heldUntil[name] = now + ttl - 1000;
                if (!held)
                {
                    _takeovers.Inc();
                    _logger.LogInformation("Node {Node} holds the {Lease} lease", Node, name);
                    Acquired?.Invoke(name);
                }

                if (name == Timers && now - _purgedAt > 3_600_000)
                {
                    _purgedAt = now;
                    await connection.ExecuteAsync(new CommandDefinition("DELETE FROM cluster_fired WHERE fired_at < @before",
                        new { before = now - (long)PurgeAge.TotalMilliseconds }, cancellationToken: cancellationToken));
                    await connection.ExecuteAsync(new CommandDefinition("DELETE FROM ingest_seen WHERE seen_at < @before",
                        new { before = now - (long)ClusterSequenceClaims.Retention.TotalMilliseconds }, cancellationToken: cancellationToken));
                }
            }
            else if (_heldUntil.TryRemove(name, out _) && held)
            {
                _logger.LogWarning("Node {Node} lost the {Lease} lease to another gateway", Node, name);
            }
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or TimeoutException or InvalidOperationException)
        {
            _errors.Inc();
            _logger.LogWarning("Could not renew the {Lease} lease: {Error}", name, ex.Message);
        }
    }

    private async Task ReleaseAsync()
    {
        try
        {
            await using var connection = await _database.OpenAsync(CancellationToken.None);
            foreach (var name in _heldUntil.Keys)
            {
                await connection.ExecuteAsync("DELETE FROM cluster_leases WHERE name = @name AND holder = @node", new { name, node = Node });
            }

            _heldUntil.Clear();
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or TimeoutException or InvalidOperationException)
        {
            _logger.LogWarning("Could not release leases at stop (they expire by themselves): {Error}", ex.Message);
        }
    }
}
