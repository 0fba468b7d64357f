using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Alerts.Engine;

/// <summary>
/// Alerts, their history and silences. Times are Unix milliseconds (UTC). The partial unique index is the
/// database's own guard of the dedup rule: one open alert per (source, type).
/// </summary>
internal sealed class AlertsSchema : ISchemaProvider
{
    public IEnumerable<Migration> Migrations { get; } =
    [
        new(50, "alerts", 1, """
            CREATE TABLE alerts (
                id TEXT PRIMARY KEY,
                source_kind TEXT NOT NULL,
                source_id TEXT NOT NULL,
                type TEXT NOT NULL,
                level TEXT NOT NULL,
                state TEXT NOT NULL,
                cell_id TEXT,
                raised_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                next_escalation_at BIGINT,
                body TEXT NOT NULL
            );
            CREATE UNIQUE INDEX alerts_open_key ON alerts (source_kind, source_id, type) WHERE state IN ('raised', 'acknowledged');
            CREATE INDEX alerts_state ON alerts (state, raised_at);
            CREATE INDEX alerts_raised ON alerts (raised_at);
            CREATE TABLE alert_history (
                seq {identity},
                alert_id TEXT NOT NULL,
                at BIGINT NOT NULL,
                kind TEXT NOT NULL,
                actor TEXT,
                channel TEXT,
                outcome TEXT,
                detail TEXT
            );
            CREATE INDEX alert_history_alert ON alert_history (alert_id, seq);
            CREATE TABLE alert_silences (
                id TEXT PRIMARY KEY,
                source_kind TEXT NOT NULL,
                source_id TEXT NOT NULL,
                type TEXT,
                starts_at BIGINT NOT NULL,
                ends_at BIGINT NOT NULL,
                reason TEXT NOT NULL,
                created_by TEXT NOT NULL,
                ended_early_at BIGINT,
                ended_by TEXT
            );
            """),
        // Scale-out: the lease holder asks the database for due escalations every second, whichever gateway raised them.
        new(150, "alerts", 2, """
            CREATE INDEX alerts_due ON alerts (next_escalation_at) WHERE state = 'raised';
            """),
    ];
}
