using Dapper;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Audit;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Metrics;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Api;

/// <summary>
/// The audit log keeps entries for <c>Audit:RetentionDays</c>: older ones are deleted by a background job, in
/// batches, and counted; on SQLite and PostgreSQL alike.
/// </summary>
public sealed class AuditRetentionTests
{
    private const string Actor = "retention-test";

    [Fact]
    public async Task TheBackgroundJobDeletesEntriesOlderThanTheRetentionAndCountsThem()
    {
        await using var gateway = new GatewayFactory(settings: new() { ["Audit:RetentionDays"] = "30", ["Audit:PurgeInterval"] = "00:00:01" }).Start();
        var now = DateTimeOffset.UtcNow;
        Insert(gateway, [now.AddDays(-40), now.AddDays(-31), now.AddDays(-29), now.AddMinutes(-1)]);

        await Eventually.TrueAsync(() => Remaining(gateway).Count == 2, TimeSpan.FromSeconds(60), "the job deleted the two expired entries");
        Assert.All(Remaining(gateway), at => Assert.True(at > now.AddDays(-30), $"{at:O} is older than the retention"));
        Assert.Contains("sc_audit_purged_total 2\n", gateway.Get<PrometheusBridge>().Render(), StringComparison.Ordinal);
        Assert.Contains("sc_audit_purge_errors_total 0\n", gateway.Get<PrometheusBridge>().Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABacklogLongerThanOneBatchIsDeletedWholeInOnePass()
    {
        // A day between passes: only the pass at start (which may meet some of the rows) and the one called here.
        await using var gateway = new GatewayFactory(settings: new() { ["Audit:RetentionDays"] = "180", ["Audit:PurgeInterval"] = "1.00:00:00" }).Start();
        var now = DateTimeOffset.UtcNow;
        var expired = Enumerable.Range(0, AuditRetention.Batch + 3).Select(i => now.AddDays(-181).AddSeconds(-i));
        Insert(gateway, [.. expired, now.AddDays(-179), now]);

        gateway.Get<AuditRetention>().RunOnce();

        Assert.Equal(2, Remaining(gateway).Count);
        Assert.Contains($"sc_audit_purged_total {AuditRetention.Batch + 3}\n", gateway.Get<PrometheusBridge>().Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARetentionOfNoDaysStopsTheStart()
    {
        await using var gateway = new GatewayFactory(settings: new() { ["Audit:RetentionDays"] = "0" });

        var error = Assert.ThrowsAny<OptionsValidationException>(() => gateway.Start());

        Assert.Contains("RetentionDays", error.Message, StringComparison.Ordinal);
    }

    private static void Insert(GatewayFactory gateway, IReadOnlyList<DateTimeOffset> times)
    {
        using var connection = gateway.Get<Database>().Open();
        using var transaction = connection.BeginTransaction();
        connection.Execute("""
            INSERT INTO audit_log (at, actor_id, actor_name, actor_role, method, kind, route, target, status, detail)
            VALUES (@at, @actor, '审计测试', 'admin', 'PUT', 'people', 'api/people/{id}', 'guard-a', 200, NULL)
            """, times.Select(t => new { at = t.ToUnixTimeMilliseconds(), actor = Actor }), transaction);
        transaction.Commit();
    }

    private static List<DateTimeOffset> Remaining(GatewayFactory gateway) =>
        [.. gateway.Get<AuditLog>().Read(new AuditQuery(Actor, null, null, null, null, 1000)).Items.Select(e => e.At)];
}
