using System.Text.Json;
using Microsoft.Data.Sqlite;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Alerts.Engine;

/// <summary>
/// SQLite persistence. The engine is the only writer and writes each batch in one transaction with commands
/// prepared once; readers (the API) use their own pooled connections and never block it (WAL).
/// </summary>
internal sealed class AlertStore(SqliteDatabase database) : IDisposable
{
    private SqliteConnection? _writer;
    private SqliteCommand? _upsert;
    private SqliteCommand? _history;
    private SqliteCommand? _silence;

    public List<Alert> LoadOpen() => Query("SELECT body FROM alerts WHERE state IN ('raised', 'acknowledged')", _ => { });

    public List<AlertSilence> LoadSilences(DateTimeOffset now)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, source_kind, source_id, type, starts_at, ends_at, reason, created_by, ended_early_at, ended_by FROM alert_silences WHERE ends_at > $now AND ended_early_at IS NULL";
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        return ReadSilences(command);
    }

    /// <summary>Every silence, newest first: the audit trail of who muted what, when and why.</summary>
    public List<AlertSilence> Silences(int limit)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, source_kind, source_id, type, starts_at, ends_at, reason, created_by, ended_early_at, ended_by FROM alert_silences ORDER BY starts_at DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit);
        return ReadSilences(command);
    }

    public Alert? Get(string id) => Query("SELECT body FROM alerts WHERE id = $id", p => p.AddWithValue("$id", id)).FirstOrDefault();

    public List<AlertHistoryEntry> History(string id)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT alert_id, at, kind, actor, channel, outcome, detail FROM alert_history WHERE alert_id = $id ORDER BY seq";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        var list = new List<AlertHistoryEntry>();
        while (reader.Read())
        {
            list.Add(new AlertHistoryEntry(reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2),
                Text(reader, 3), Text(reader, 4), Text(reader, 5), Text(reader, 6)));
        }

        return list;
    }

    /// <summary>Alerts matching the filter, newest first. <paramref name="cells"/> null means every cell.</summary>
    public List<Alert> List(AlertQuery query, IReadOnlySet<string>? cells)
    {
        var where = new List<string>();
        var sql = "SELECT body FROM alerts";
        return Query(sql, p =>
        {
            Filter(where, p, "level", query.Level is { } level ? AlertNames.Of(level) : null);
            Filter(where, p, "state", query.State is { } state ? AlertNames.Of(state) : null);
            Filter(where, p, "cell_id", query.Cell);
            Filter(where, p, "type", query.Type);
            if (query.From is { } from)
            {
                where.Add("raised_at >= $from");
                p.AddWithValue("$from", from.ToUnixTimeMilliseconds());
            }

            if (query.To is { } to)
            {
                where.Add("raised_at <= $to");
                p.AddWithValue("$to", to.ToUnixTimeMilliseconds());
            }

            if (query.OpenOnly)
            {
                where.Add("state IN ('raised', 'acknowledged')");
            }

            if (cells is not null)
            {
                var names = cells.Select((c, i) => { p.AddWithValue("$c" + i, c); return "$c" + i; }).ToList();
                where.Add(names.Count == 0 ? "0" : $"cell_id IN ({string.Join(',', names)})");
            }

            p.AddWithValue("$limit", query.Limit);
        }, () => (where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where)) + " ORDER BY raised_at DESC, id DESC LIMIT $limit");
    }

    /// <summary>Writes one batch in one transaction: alert rows (upsert), history lines, silences.</summary>
    public void Write(IEnumerable<Alert> alerts, IReadOnlyList<AlertHistoryEntry> history, IReadOnlyList<AlertSilence> silences)
    {
        EnsureWriter();
        using var transaction = _writer!.BeginTransaction();
        _upsert!.Transaction = transaction;
        _history!.Transaction = transaction;
        _silence!.Transaction = transaction;
        foreach (var a in alerts)
        {
            var p = _upsert.Parameters;
            p[0].Value = a.Id;
            p[1].Value = a.Source.Kind;
            p[2].Value = a.Source.Id;
            p[3].Value = a.Type;
            p[4].Value = AlertNames.Of(a.Level);
            p[5].Value = AlertNames.Of(a.State);
            p[6].Value = (object?)a.CellId ?? DBNull.Value;
            p[7].Value = a.RaisedAt.ToUnixTimeMilliseconds();
            p[8].Value = a.UpdatedAt.ToUnixTimeMilliseconds();
            p[9].Value = a.NextEscalationAt is { } next ? next.ToUnixTimeMilliseconds() : DBNull.Value;
            p[10].Value = JsonSerializer.Serialize(a, AlertsJsonContext.Default.Alert);
            _upsert.ExecuteNonQuery();
        }

        foreach (var h in history)
        {
            var p = _history.Parameters;
            p[0].Value = h.AlertId;
            p[1].Value = h.At.ToUnixTimeMilliseconds();
            p[2].Value = h.Kind;
            p[3].Value = (object?)h.Actor ?? DBNull.Value;
            p[4].Value = (object?)h.Channel ?? DBNull.Value;
            p[5].Value = (object?)h.Outcome ?? DBNull.Value;
            p[6].Value = (object?)h.Detail ?? DBNull.Value;
            _history.ExecuteNonQuery();
        }

        foreach (var s in silences)
        {
            var p = _silence.Parameters;
            p[0].Value = s.Id;
            p[1].Value = s.Source.Kind;
            p[2].Value = s.Source.Id;
            p[3].Value = (object?)s.Type ?? DBNull.Value;
            p[4].Value = s.StartsAt.ToUnixTimeMilliseconds();
            p[5].Value = s.EndsAt.ToUnixTimeMilliseconds();
            p[6].Value = s.Reason;
            p[7].Value = s.CreatedBy;
            p[8].Value = s.EndedEarlyAt is { } ended ? ended.ToUnixTimeMilliseconds() : DBNull.Value;
            p[9].Value = (object?)s.EndedBy ?? DBNull.Value;
            _silence.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private void EnsureWriter()
    {
        if (_writer is not null)
        {
            return;
        }

        _writer = database.Open();
        using (var pragma = _writer.CreateCommand())
        {
            // The engine's commits never run a checkpoint themselves (that stalls the loop, and so notifications,
            // for tens of milliseconds); Checkpoint() does it from another thread. https://www.sqlite.org/wal.html#ckpt
            pragma.CommandText = "PRAGMA wal_autocheckpoint=0";
            pragma.ExecuteNonQuery();
        }

        _upsert = Prepare(_writer, """
            INSERT INTO alerts (id, source_kind, source_id, type, level, state, cell_id, raised_at, updated_at, next_escalation_at, body)
            VALUES ($0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT(id) DO UPDATE SET level = $4, state = $5, cell_id = $6, updated_at = $8, next_escalation_at = $9, body = $10
            """, 11);
        _history = Prepare(_writer, "INSERT INTO alert_history (alert_id, at, kind, actor, channel, outcome, detail) VALUES ($0, $1, $2, $3, $4, $5, $6)", 7);
        _silence = Prepare(_writer, """
            INSERT INTO alert_silences (id, source_kind, source_id, type, starts_at, ends_at, reason, created_by, ended_early_at, ended_by)
            VALUES ($0, $1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT(id) DO UPDATE SET ended_early_at = $8, ended_by = $9
            """, 10);
    }

    /// <summary>A passive WAL checkpoint on its own connection: copies what it can without blocking the writer.</summary>
    public void Checkpoint()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < parameters; i++)
        {
            command.Parameters.Add(new SqliteParameter("$" + i, DBNull.Value));
        }

        return command;
    }

    private List<Alert> Query(string sql, Action<SqliteParameterCollection> bind, Func<string>? suffix = null)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        bind(command.Parameters);
        command.CommandText = sql + (suffix?.Invoke() ?? "");
        using var reader = command.ExecuteReader();
        var list = new List<Alert>();
        while (reader.Read())
        {
            list.Add(JsonSerializer.Deserialize(reader.GetString(0), AlertsJsonContext.Default.Alert)!);
        }

        return list;
    }

    private static void Filter(List<string> where, SqliteParameterCollection p, string column, string? value)
    {
        if (value is not null)
        {
            where.Add($"{column} = ${column}");
            p.AddWithValue("$" + column, value);
        }
    }

    private static List<AlertSilence> ReadSilences(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var list = new List<AlertSilence>();
        while (reader.Read())
        {
            list.Add(new AlertSilence(reader.GetString(0), new AlertSource(reader.GetString(1), reader.GetString(2)), Text(reader, 3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                reader.GetString(6), reader.GetString(7),
                reader.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)), Text(reader, 9)));
        }

        return list;
    }

    private static string? Text(SqliteDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    public void Dispose()
    {
        _upsert?.Dispose();
        _history?.Dispose();
        _silence?.Dispose();
        _writer?.Dispose();
        _writer = null;
    }
}

/// <summary>Filter of <c>GET api/alerts</c>. Times filter on when the alert was raised.</summary>
public sealed record AlertQuery(AlertLevel? Level = null, AlertState? State = null, string? Cell = null, string? Type = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, bool OpenOnly = false, int Limit = 100);
