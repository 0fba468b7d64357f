using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SmartCommunity.Benchmarks.Harness;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Alerts.Engine;

namespace SmartCommunity.Benchmarks.Alerts;

/// <summary>
/// Alerts raised per second through the engine with persistence, routing and MQTT delivery on, against raw
/// batched SQLite inserts of the same rows (alert + "raised" + "notified" history) in the same run; then
/// raise-to-terminal latency at a guard's MQTT client while other cells are under load (<see cref="TerminalLatency"/>).
/// </summary>
public sealed class AlertsBenchmark : IBenchmark
{
    public string Name => "alerts";

    public string Description => "alerts/s through the engine (SQLite, routing, MQTT) vs raw batched inserts; raise-to-terminal latency under load";

    public async Task<BenchmarkReport> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var report = new BenchmarkReport(Name);
        var count = options.Quick ? 20_000 : 200_000;
        var baseline = Baseline(Path.Combine(options.WorkDirectory, "baseline.db"), count, 4_000);

        await using var host = await AlertsBenchHost.StartAsync(Path.Combine(options.WorkDirectory, "gateway"), cancellationToken);
        var engine = host.Get<AlertEngine>();
        await RaiseAllAsync(engine, "warm", options.Quick ? 2_000 : 10_000);
        var (rate, refused) = await RaiseAllAsync(engine, "run", count);
        var resolveRate = await ResolveAllAsync(engine, "run", count);
        await ResolveAllAsync(engine, "warm", options.Quick ? 2_000 : 10_000);

        report.Add("engine raise → stored (new alerts)", rate, "alerts/s", "raw batched SQLite inserts of the same rows", rate / baseline, target: null);
        report.Add("raw batched SQLite inserts", baseline, "alerts/s");
        report.Add("engine resolve → stored", resolveRate, "alerts/s");
        report.Add("engine vs 10 000 alerts/s target", rate, "alerts/s", "10 000 alerts/s", rate / 10_000, target: 1.0);
        report.Notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"{count} distinct sources over {AlertsBenchHost.Cells} cells from 2 producer threads; each alert routed to its cell's guard and published over MQTT; timed until the last is stored (WAL, synchronous=NORMAL). Queue-full refusals retried by the producers: {refused}."));

        // The throughput run leaves a delivery backlog (MQTT publishes, their history lines); let it drain so the
        // latency run measures the load it states, not the previous run's tail.
        var drain = Stopwatch.StartNew();
        var dispatcher = host.Get<SmartCommunity.Gateway.Alerts.Delivery.AlertDispatcher>();
        while ((dispatcher.Pending > 0 || engine.Pending > 0) && drain.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(100, cancellationToken);
        }

        await engine.FlushAsync();
        GC.Collect();
        var metrics = host.Get<SmartCommunity.Metrics.PrometheusBridge>().Render().Split('\n')
            .Where(l => l.StartsWith("sc_alerts_notifications_total{channel=\"mqtt\"", StringComparison.Ordinal) || l.StartsWith("sc_alerts_dropped_total", StringComparison.Ordinal));
        report.Notes.Add(string.Create(CultureInfo.InvariantCulture, $"Delivery backlog drained in {drain.Elapsed.TotalSeconds:0.0} s after the throughput run: ") + string.Join("; ", metrics));

        var latency = await TerminalLatency.MeasureAsync(host, options.Quick, cancellationToken);
        report.Add("raise → terminal p50 under load", latency.EngineP50, "ms (lower is better)", "direct broker publish p50", latency.EngineP50 / latency.DirectP50);
        report.Add("raise → terminal p99 under load", latency.EngineP99, "ms (lower is better)", "direct broker publish p99", latency.EngineP99 / latency.DirectP99);
        report.Add("direct broker publish p50 / p99", latency.DirectP50, "ms", latency.DirectP99.ToString("0.###", CultureInfo.InvariantCulture) + " ms p99");
        report.Notes.Add(latency.Note);
        var text = host.Get<SmartCommunity.Metrics.PrometheusBridge>().Render();
        var batches = SmartCommunity.Testing.PrometheusText.Parse(text).Value("sc_alerts_batch_seconds_count");
        report.Notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"Engine batches (apply + SQLite commit): {batches}, p50 {SmartCommunity.Testing.PrometheusText.HistogramQuantile(text, "sc_alerts_batch_seconds", 0.5) * 1000:0.##} ms, p99 {SmartCommunity.Testing.PrometheusText.HistogramQuantile(text, "sc_alerts_batch_seconds", 0.99) * 1000:0.##} ms (bucket estimates)."));
        return report;
    }

    /// <summary>Raises <paramref name="count"/> new alerts from two threads and waits until all are stored.</summary>
    private static async Task<(double Rate, long Refused)> RaiseAllAsync(AlertEngine engine, string prefix, int count)
    {
        long refused = 0;
        var stopwatch = Stopwatch.StartNew();
        var producers = Enumerable.Range(0, 2).Select(p => Task.Run(() =>
        {
            for (var i = p; i < count; i += 2)
            {
                var trigger = AlertsBenchHost.Trigger($"{prefix}-{i}", i % AlertsBenchHost.Cells, AlertLevel.Yellow);
                while (!engine.Raise(trigger))
                {
                    Interlocked.Increment(ref refused);
                    Thread.Yield(); // Should be rare: the queue holds 100 000.
                }
            }
        })).ToArray();
        await Task.WhenAll(producers);
        await engine.FlushAsync();
        return (count / stopwatch.Elapsed.TotalSeconds, refused);
    }

    /// <summary>Resolves the alerts <see cref="RaiseAllAsync"/> opened (the condition cleared) and waits until stored.</summary>
    private static async Task<double> ResolveAllAsync(AlertEngine engine, string prefix, int count)
    {
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            while (!engine.Resolve(new AlertSource("spot", $"{prefix}-{i}"), "intrusion", "cleared"))
            {
                Thread.Yield();
            }
        }

        await engine.FlushAsync();
        return count / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>The floor: the same three rows per alert, prepared statements, one transaction per batch.</summary>
    private static double Baseline(string file, int count, int batch)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; " + new AlertsSchema().Migrations.Single().Sql;
            setup.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO alerts (id, source_kind, source_id, type, level, state, cell_id, raised_at, updated_at, next_escalation_at, body) VALUES ($0,$1,$2,$3,$4,$5,$6,$7,$8,$9,$10)";
        using var history = connection.CreateCommand();
        history.CommandText = "INSERT INTO alert_history (alert_id, at, kind, actor, channel, outcome, detail) VALUES ($0,$1,$2,$3,NULL,NULL,$4)";
        var a = Enumerable.Range(0, 11).Select(i => insert.Parameters.Add(new SqliteParameter("$" + i, DBNull.Value))).ToArray();
        var h = Enumerable.Range(0, 5).Select(i => history.Parameters.Add(new SqliteParameter("$" + i, DBNull.Value))).ToArray();
        var stopwatch = Stopwatch.StartNew();
        for (var start = 0; start < count; start += batch)
        {
            using var transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            history.Transaction = transaction;
            for (var i = start; i < Math.Min(count, start + batch); i++)
            {
                var now = DateTimeOffset.UtcNow;
                var trigger = AlertsBenchHost.Trigger("base-" + i, i % AlertsBenchHost.Cells, AlertLevel.Yellow);
                var alert = new Alert(Guid.CreateVersion7(now).ToString("N"), trigger.Source, trigger.Type, trigger.Level, AlertState.Raised, trigger.CellId, null,
                    trigger.Title, trigger.Text, [], null, 1, now, now, now, null, null, null, null, null, 0, now.AddMinutes(15), null, false, 1, 1);
                object[] values = [alert.Id, "spot", alert.Source.Id, alert.Type, "yellow", "raised", alert.CellId!, now.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(),
                    now.AddMinutes(15).ToUnixTimeMilliseconds(), JsonSerializer.Serialize(alert, AlertsJsonContext.Default.Alert)];
                for (var p = 0; p < values.Length; p++)
                {
                    a[p].Value = values[p];
                }

                insert.ExecuteNonQuery();
                foreach (var (kind, actor) in new[] { ("raised", (object)DBNull.Value), ("notified", "guard-" + (i % AlertsBenchHost.Cells)) })
                {
                    h[0].Value = alert.Id;
                    h[1].Value = now.ToUnixTimeMilliseconds();
                    h[2].Value = kind;
                    h[3].Value = actor;
                    h[4].Value = kind;
                    history.ExecuteNonQuery();
                }
            }

            transaction.Commit();
        }

        return count / stopwatch.Elapsed.TotalSeconds;
    }
}
