using System.Text.Json;
using Dapper;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Alerts.Engine;

/// <summary>What the database made of one batch written by several gateways' rules (<see cref="AlertStore.WriteMerged"/>).</summary>
/// <param name="Stale">Alerts this engine thought open that another gateway closed (their rows refused the change).</param>
/// <param name="Stored">Each written alert as the row now holds it (other gateways' repeats folded in).</param>
/// <param name="Conflicts">Alerts whose change of state or routing was refused: another gateway changed them first.
/// Each comes back as the row holds it; the engine drops what its refused change would have sent.</param>
internal sealed record MergedWrite(List<string> Stale, List<Alert> Stored, List<Alert> Conflicts);

/// <summary>
/// Cluster mode: several gateways change the same alert row, so the row, read under a row lock inside the batch's
/// transaction, decides what each write may change (a last-writer-wins upsert of the whole body lost routing: a
/// gateway that folded a repeat into its copy of the pre-routing row overwrote the raising gateway's routing,
/// and the alert never escalated).
/// <list type="bullet">
/// <item>Repeats (count, last trigger, title, text, area, evidence) never conflict: this engine's repeats since its
/// last write are added to the row's count, whoever changed the row meanwhile.</item>
/// <item>A change of state or routing (level, acknowledgement, escalation, closing, muting) is compare-and-set on
/// <see cref="Alert.Revision"/>: it holds only when based on the row's revision, and then advances it.</item>
/// </list>
/// </summary>
internal sealed partial class AlertStore
{
    public MergedWrite WriteMerged(IEnumerable<Alert> alerts, IReadOnlyDictionary<string, int> folds, IReadOnlySet<string> stateChanged,
        IReadOnlyList<AlertHistoryEntry> history, IReadOnlyList<AlertSilence> silences)
    {
        _writer ??= OpenWriter();
        var result = new MergedWrite([], [], []);
        var refused = new HashSet<string>(StringComparer.Ordinal);
        var lockRow = database.Dialect.Provider == DatabaseProvider.PostgreSql ? " FOR UPDATE" : ""; // SQLite: one writer at a time anyway.
        try
        {
            using var transaction = _writer.BeginTransaction();
            // Rows locked in one order (by id) on every gateway: two batches locking the same alerts in different
            // orders would deadlock, and PostgreSQL would abort one of them.
            foreach (var mine in alerts.OrderBy(a => a.Id, StringComparer.Ordinal))
            {
                var body = _writer.QueryFirstOrDefault<string>("SELECT body FROM alerts WHERE id = @id" + lockRow, new { id = mine.Id }, transaction);
                if (body is null)
                {
                    // Raised while the database was unreachable (not claimed): inserted now, unless another open
                    // alert of the same (source, type) got there first, in which case this copy is dropped.
                    if (Execute(transaction, InsertSql, mine) == 0)
                    {
                        result.Stale.Add(mine.Id);
                    }
                    else
                    {
                        result.Stored.Add(mine);
                    }

                    continue;
                }

                var row = JsonSerializer.Deserialize(body, AlertsJsonContext.Default.Alert)!;
                if (!row.IsOpen)
                {
                    if (mine.IsOpen)
                    {
                        result.Stale.Add(mine.Id);
                    }

                    continue;
                }

                var folded = folds.GetValueOrDefault(mine.Id);
                var merged = row;
                if (stateChanged.Contains(mine.Id))
                {
                    if (mine.Revision == row.Revision)
                    {
                        merged = mine with { Revision = row.Revision + 1 };
                    }
                    else
                    {
                        refused.Add(mine.Id);
                    }
                }

                // The latest trigger's words and evidence: this engine's when it folded one, else the row's.
                var texts = folded > 0 ? mine : row;
                merged = merged with
                {
                    Count = row.Count + folded,
                    LastTriggerAt = Max(row.LastTriggerAt, mine.LastTriggerAt),
                    UpdatedAt = Max(row.UpdatedAt, merged.UpdatedAt),
                    Title = texts.Title,
                    Text = texts.Text,
                    Area = texts.Area,
                    Evidence = texts.Evidence,
                };

                if (merged != row)
                {
                    Execute(transaction, UpdateSql, merged);
                }

                (refused.Contains(mine.Id) ? result.Conflicts : result.Stored).Add(merged);
            }

            // A refused change's own lines (notified, escalated, acknowledged, ...) did not happen; the alert's
            // raising and delivery reports of earlier notifications did.
            WriteHistory(transaction, refused.Count == 0 ? history
                : history.Where(h => !refused.Contains(h.AlertId) || h.Kind is "raised" or "delivery").ToList());
            WriteSilences(transaction, silences);
            transaction.Commit();
            return result;
        }
        catch
        {
            _writer.Dispose();
            _writer = null;
            throw;
        }
    }

    private const string InsertSql = """
        INSERT INTO alerts (id, source_kind, source_id, type, level, state, cell_id, raised_at, updated_at, next_escalation_at, body)
        VALUES (@id, @kind, @source, @type, @level, @state, @cell, @raised, @updated, @next, @body)
        ON CONFLICT DO NOTHING
        """;

    private const string UpdateSql = """
        UPDATE alerts SET level = @level, state = @state, cell_id = @cell, updated_at = @updated, next_escalation_at = @next, body = @body
        WHERE id = @id
        """;

    /// <summary>Dapper passes only the parameters the statement names, so one set serves the insert and the update.</summary>
    private int Execute(System.Data.Common.DbTransaction transaction, string sql, Alert a) => _writer!.Execute(sql, new
    {
        id = a.Id, kind = a.Source.Kind, source = a.Source.Id, type = a.Type, level = AlertNames.Of(a.Level), state = AlertNames.Of(a.State),
        cell = a.CellId, raised = a.RaisedAt.ToUnixTimeMilliseconds(), updated = a.UpdatedAt.ToUnixTimeMilliseconds(),
        next = a.NextEscalationAt?.ToUnixTimeMilliseconds(), body = JsonSerializer.Serialize(a, AlertsJsonContext.Default.Alert),
    }, transaction);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
