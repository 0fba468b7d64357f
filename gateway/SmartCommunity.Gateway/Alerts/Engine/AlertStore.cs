using System.Data.Common;
using System.Text.Json;
using Dapper;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Alerts.Engine;

/// <summary>
/// Alerts in the database: each alert is a JSON document (<c>body</c>) with the columns queries filter on beside
/// it. Each gateway's engine writes its batches in one transaction with one statement per table; a closed alert
/// stays closed (the upsert only changes open rows, so a gateway whose copy is stale cannot reopen one);
/// readers (the API) use their own pooled connections and never block it (SQLite WAL, PostgreSQL MVCC).
/// </summary>
internal sealed partial class AlertStore(Database database) : IDisposable
{
    private const string SilenceColumns = "id, source_kind, source_id, type, starts_at, ends_at, reason, created_by, ended_early_at, ended_by";

    private DbConnection? _writer;

    public List<Alert> LoadOpen() => Bodies("SELECT body FROM alerts WHERE state IN ('raised', 'acknowledged')", null);

    public List<AlertSilence> LoadSilences(DateTimeOffset now)
    {
        using var connection = database.Open();
        return connection.Query<SilenceRow>($"SELECT {SilenceColumns} FROM alert_silences WHERE ends_at > @now AND ended_early_at IS NULL",
            new { now = now.ToUnixTimeMilliseconds() }).Select(r => r.ToSilence()).ToList();
    }

    /// <summary>Every silence, newest first: the audit trail of who muted what, when and why.</summary>
    public List<AlertSilence> Silences(int limit)
    {
        using var connection = database.Open();
        return connection.Query<SilenceRow>($"SELECT {SilenceColumns} FROM alert_silences ORDER BY starts_at DESC LIMIT @limit", new { limit })
            .Select(r => r.ToSilence()).ToList();
    }

    /// <summary>Raised alerts whose escalation is due (cluster mode: the lease holder's poll; index <c>alerts_due</c>).</summary>
    public List<Alert> DueEscalations(long nowMs) =>
        Bodies("SELECT body FROM alerts WHERE state = 'raised' AND next_escalation_at <= @now", new DynamicParameters(new { now = nowMs }));

    /// <summary>The open alert of a (source, type), if any.</summary>
    public Alert? OpenByKey(string kind, string source, string type) =>
        Bodies("SELECT body FROM alerts WHERE source_kind = @kind AND source_id = @source AND type = @type AND state IN ('raised', 'acknowledged')",
            new DynamicParameters(new { kind, source, type })).FirstOrDefault();

    public Alert? Get(string id) => Bodies("SELECT body FROM alerts WHERE id = @id", new DynamicParameters(new { id })).FirstOrDefault();

    public List<AlertHistoryEntry> History(string id)
    {
        using var connection = database.Open();
        return connection.Query<HistoryRow>("SELECT alert_id, at, kind, actor, channel, outcome, detail FROM alert_history WHERE alert_id = @id ORDER BY seq", new { id })
            .Select(r => new AlertHistoryEntry(r.AlertId, DateTimeOffset.FromUnixTimeMilliseconds(r.At), r.Kind, r.Actor, r.Channel, r.Outcome, r.Detail)).ToList();
    }

    /// <summary>Alerts matching the filter, newest first. <paramref name="cells"/> null means every cell.</summary>
    public List<Alert> List(AlertQuery query, IReadOnlySet<string>? cells)
    {
        var where = new List<string>();
        var p = new DynamicParameters();
        void Filter(string column, string? value)
        {
            if (value is not null)
            {
                where.Add($"{column} = @{column}");
                p.Add(column, value);
            }
        }

        Filter("level", query.Level is { } level ? AlertNames.Of(level) : null);
        Filter("state", query.State is { } state ? AlertNames.Of(state) : null);
        Filter("cell_id", query.Cell);
        Filter("type", query.Type);
        if (query.From is { } from)
        {
            where.Add("raised_at >= @from");
            p.Add("from", from.ToUnixTimeMilliseconds());
        }

        if (query.To is { } to)
        {
            where.Add("raised_at <= @to");
            p.Add("to", to.ToUnixTimeMilliseconds());
        }

        if (query.OpenOnly)
        {
            where.Add("state IN ('raised', 'acknowledged')");
        }

        if (cells is not null)
        {
            // A guard's visible cells: bound as parameters, never spliced into the SQL.
            var names = cells.Select((c, i) => { p.Add("c" + i, c); return "@c" + i; }).ToList();
            where.Add(names.Count == 0 ? "1 = 0" : $"cell_id IN ({string.Join(',', names)})");
        }

        p.Add("limit", query.Limit);
        return Bodies("SELECT body FROM alerts" + (where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where)) + " ORDER BY raised_at DESC, id DESC LIMIT @limit", p);
    }

    /// <summary>
    /// Insert-or-get of a new open alert, the database's answer to "is one already open for this (source, type)?":
    /// the partial unique index <c>alerts_open_key</c> lets exactly one of several gateways raising the same alert at
    /// once insert it; the others get that one back and update it instead. Null when <paramref name="alert"/> was
    /// inserted. Runs on the engine's writer connection outside any batch (autocommit), so the winner is decided
    /// before anyone is notified.
    /// </summary>
    public Alert? ClaimOpen(Alert alert)
    {
        _writer ??= OpenWriter();
        try
        {
            // Again when the open alert that refused the insert closed (on another gateway) (on another node) before we read it.
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var inserted = _writer.Execute("""
                    INSERT INTO alerts (id, source_kind, source_id, type, level, state, cell_id, raised_at, updated_at, next_escalation_at, body)
                    VALUES (@id, @kind, @source, @type, @level, @state, @cell, @raised, @updated, @next, @body)
                    ON CONFLICT (source_kind, source_id, type) WHERE state IN ('raised', 'acknowledged') DO NOTHING
                    """, new
                    {
                        id = alert.Id, kind = alert.Source.Kind, source = alert.Source.Id, type = alert.Type, level = AlertNames.Of(alert.Level),
                        state = AlertNames.Of(alert.State), cell = alert.CellId, raised = alert.RaisedAt.ToUnixTimeMilliseconds(),
                        updated = alert.UpdatedAt.ToUnixTimeMilliseconds(), next = alert.NextEscalationAt?.ToUnixTimeMilliseconds(),
                        body = JsonSerializer.Serialize(alert, AlertsJsonContext.Default.Alert),
                    });
                if (inserted == 1)
                {
                    return null;
                }

                var body = _writer.QueryFirstOrDefault<string>(
                    "SELECT body FROM alerts WHERE source_kind = @kind AND source_id = @source AND type = @type AND state IN ('raised', 'acknowledged')",
                    new { kind = alert.Source.Kind, source = alert.Source.Id, type = alert.Type });
                if (body is not null)
                {
                    return JsonSerializer.Deserialize(body, AlertsJsonContext.Default.Alert)!;
                }
            }

            throw new InvalidOperationException($"No open alert for {alert.Source} {alert.Type} could be inserted or read.");
        }
        catch
        {
            _writer.Dispose();
            _writer = null;
            throw;
        }
    }

    /// <summary>
    /// Writes one batch in one transaction: alert rows (upsert), history lines, silences. Returns the open alerts
    /// whose rows refused the update because another gateway closed them (this engine's copy was stale).
    /// </summary>
    public List<string> Write(IEnumerable<Alert> alerts, IReadOnlyList<AlertHistoryEntry> history, IReadOnlyList<AlertSilence> silences)
    {
        _writer ??= OpenWriter();
        var stale = new List<string>();
        try
        {
            using var transaction = _writer.BeginTransaction();
            using (var upsert = new BatchStatement(_writer, transaction, """
                INSERT INTO alerts (id, source_kind, source_id, type, level, state, cell_id, raised_at, updated_at, next_escalation_at, body)
                VALUES (@id, @kind, @source, @type, @level, @state, @cell, @raised, @updated, @next, @body)
                ON CONFLICT (id) DO UPDATE SET level = excluded.level, state = excluded.state, cell_id = excluded.cell_id, updated_at = excluded.updated_at,
                    next_escalation_at = excluded.next_escalation_at, body = excluded.body
                WHERE alerts.state IN ('raised', 'acknowledged')
                """, "id", "kind", "source", "type", "level", "state", "cell", "raised", "updated", "next", "body"))
            {
                foreach (var a in alerts)
                {
                    var changed = upsert.Execute(a.Id, a.Source.Kind, a.Source.Id, a.Type, AlertNames.Of(a.Level), AlertNames.Of(a.State), a.CellId,
                        a.RaisedAt.ToUnixTimeMilliseconds(), a.UpdatedAt.ToUnixTimeMilliseconds(), a.NextEscalationAt?.ToUnixTimeMilliseconds(),
                        JsonSerializer.Serialize(a, AlertsJsonContext.Default.Alert));
                    if (changed == 0 && a.IsOpen)
                    {
                        stale.Add(a.Id);
                    }
                }
            }

            WriteHistory(transaction, history);
            WriteSilences(transaction, silences);
            transaction.Commit();
            return stale;
        }
        catch
        {
            // A broken connection (the server went away) is not reused: the engine retries on a fresh one.
            _writer.Dispose();
            _writer = null;
            throw;
        }
    }

    private void WriteHistory(DbTransaction transaction, IReadOnlyList<AlertHistoryEntry> history)
    {
        if (history.Count > 0)
        {
            using var insert = new BatchStatement(_writer!, transaction,
                "INSERT INTO alert_history (alert_id, at, kind, actor, channel, outcome, detail) VALUES (@alert, @at, @kind, @actor, @channel, @outcome, @detail)",
                "alert", "at", "kind", "actor", "channel", "outcome", "detail");
            foreach (var h in history)
            {
                insert.Execute(h.AlertId, h.At.ToUnixTimeMilliseconds(), h.Kind, h.Actor, h.Channel, h.Outcome, h.Detail);
            }
        }
    }

    private void WriteSilences(DbTransaction transaction, IReadOnlyList<AlertSilence> silences)
    {
        if (silences.Count > 0)
        {
            using var save = new BatchStatement(_writer!, transaction, """
                INSERT INTO alert_silences (id, source_kind, source_id, type, starts_at, ends_at, reason, created_by, ended_early_at, ended_by)
                VALUES (@id, @kind, @source, @type, @starts, @ends, @reason, @by, @ended, @endedBy)
                ON CONFLICT (id) DO UPDATE SET ended_early_at = excluded.ended_early_at, ended_by = excluded.ended_by
                """, "id", "kind", "source", "type", "starts", "ends", "reason", "by", "ended", "endedBy");
            foreach (var s in silences)
            {
                save.Execute(s.Id, s.Source.Kind, s.Source.Id, s.Type, s.StartsAt.ToUnixTimeMilliseconds(), s.EndsAt.ToUnixTimeMilliseconds(),
                    s.Reason, s.CreatedBy, s.EndedEarlyAt?.ToUnixTimeMilliseconds(), s.EndedBy);
            }
        }
    }

    /// <summary>A passive WAL checkpoint on its own connection (SQLite): copies what it can without blocking the writer.</summary>
    public void Checkpoint()
    {
        if (database.Dialect.Provider != DatabaseProvider.Sqlite)
        {
            return;
        }

        using var connection = database.Open();
        connection.Execute("PRAGMA wal_checkpoint(PASSIVE)");
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }

    private DbConnection OpenWriter()
    {
        var writer = database.Open();
        if (database.Dialect.Provider == DatabaseProvider.Sqlite)
        {
            // The engine's commits never run a checkpoint themselves (that stalls the loop, and so notifications,
            // for tens of milliseconds); Checkpoint() does it from another thread. https://www.sqlite.org/wal.html#ckpt
            writer.Execute("PRAGMA wal_autocheckpoint=0");
        }

        return writer;
    }

    private List<Alert> Bodies(string sql, DynamicParameters? parameters)
    {
        using var connection = database.Open();
        return connection.Query<string>(sql, parameters).Select(b => JsonSerializer.Deserialize(b, AlertsJsonContext.Default.Alert)!).ToList();
    }

    private sealed class SilenceRow
    {
        public string Id { get; init; } = "";
        public string SourceKind { get; init; } = "";
        public string SourceId { get; init; } = "";
        public string? Type { get; init; }
        public long StartsAt { get; init; }
        public long EndsAt { get; init; }
        public string Reason { get; init; } = "";
        public string CreatedBy { get; init; } = "";
        public long? EndedEarlyAt { get; init; }
        public string? EndedBy { get; init; }

        public AlertSilence ToSilence() => new(Id, new AlertSource(SourceKind, SourceId), Type, DateTimeOffset.FromUnixTimeMilliseconds(StartsAt),
            DateTimeOffset.FromUnixTimeMilliseconds(EndsAt), Reason, CreatedBy, EndedEarlyAt is { } ended ? DateTimeOffset.FromUnixTimeMilliseconds(ended) : null, EndedBy);
    }

    private sealed class HistoryRow
    {
        public string AlertId { get; init; } = "";
        public long At { get; init; }
        public string Kind { get; init; } = "";
        public string? Actor { get; init; }
        public string? Channel { get; init; }
        public string? Outcome { get; init; }
        public string? Detail { get; init; }
    }
}

/// <summary>Filter of <c>GET api/alerts</c>. Times filter on when the alert was raised.</summary>
public sealed record AlertQuery(AlertLevel? Level = null, AlertState? State = null, string? Cell = null, string? Type = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, bool OpenOnly = false, int Limit = 100);
