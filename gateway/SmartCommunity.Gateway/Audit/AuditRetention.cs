using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Cluster;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gateway.Operations;

namespace SmartCommunity.Gateway.Audit;

/// <summary>
/// Deletes audit entries older than <see cref="AuditOptions.RetentionDays"/>: once at start, then every
/// <see cref="AuditOptions.PurgeInterval"/>, in batches of <see cref="Batch"/> rows (one short transaction each, so
/// the recorder's inserts never wait long behind a purge of a year's backlog). Counted in
/// <c>sc_audit_purged_total</c>; a pass the database refused is logged, counted in <c>sc_audit_purge_errors_total</c>
/// and tried again at the next interval. Several gateways on one database: only the holder of the <c>timers</c>
/// lease purges, as footage retention does (docs/scale-out.md).
/// </summary>
public sealed class AuditRetention(
    Database database,
    MetricsRegistry metrics,
    IServiceProvider services,
    IOptions<AuditOptions> options,
    TimeProvider time,
    ILogger<AuditRetention> logger) : BackgroundService, IRestartableService
{
    public const int Batch = 5_000;

    private readonly Counter _purged = metrics.Counter("sc_audit_purged_total", "Audit entries deleted because they were older than Audit:RetentionDays.");
    private readonly Counter _errors = metrics.Counter("sc_audit_purge_errors_total", "Audit purge passes the database refused (tried again at the next interval).");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: a first pass over a long backlog must not hold the host's start.
        await Task.Yield();
        using var timer = new PeriodicTimer(options.Value.PurgeInterval, time);
        try
        {
            do
            {
                if (services.GetService<ClusterLeases>()?.Holds(ClusterLeases.Timers) ?? true)
                {
                    TryRunOnce();
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Deletes every expired entry; returns how many.</summary>
    public int RunOnce()
    {
        var cutoff = (time.GetUtcNow() - TimeSpan.FromDays(options.Value.RetentionDays)).ToUnixTimeMilliseconds();
        var total = 0;
        while (true)
        {
            using var connection = database.Open();
            // The same SQL on SQLite and PostgreSQL; ix_audit_log_at finds the oldest rows.
            var deleted = connection.Execute(
                "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < @cutoff ORDER BY at LIMIT @batch)", new { cutoff, batch = Batch });
            total += deleted;
            _purged.Add(deleted);
            if (deleted < Batch)
            {
                break;
            }
        }

        if (total > 0)
        {
            logger.LogInformation("Audit retention deleted {Count} entries older than {Days} days", total, options.Value.RetentionDays);
        }

        return total;
    }

    private void TryRunOnce()
    {
        try
        {
            RunOnce();
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
        {
            _errors.Inc();
            logger.LogError(ex, "Audit retention pass failed; trying again in {Interval}", options.Value.PurgeInterval);
        }
    }
}
