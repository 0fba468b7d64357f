using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Audit;

/// <summary>
/// One row per administrative change a person made through the API (<see cref="AuditRecorder"/>): when, who (ID and
/// the name at that moment, so a deleted account still reads as a person), which call, on what, with the body's
/// redacted summary. Rows are never updated; <see cref="AuditRetention"/> deletes them after <c>Audit:RetentionDays</c>.
/// </summary>
internal sealed class AuditSchema : ISchemaProvider
{
    public IEnumerable<Migration> Migrations =>
    [
        new(200, "audit", 1, """
            CREATE TABLE audit_log (
                id {identity},
                at BIGINT NOT NULL,
                actor_id TEXT NOT NULL,
                actor_name TEXT NOT NULL,
                actor_role TEXT NOT NULL,
                method TEXT NOT NULL,
                kind TEXT NOT NULL,
                route TEXT NOT NULL,
                target TEXT,
                status INTEGER NOT NULL,
                detail TEXT);
            CREATE INDEX ix_audit_log_at ON audit_log (at);
            CREATE INDEX ix_audit_log_actor ON audit_log (actor_id, id);
            CREATE INDEX ix_audit_log_kind ON audit_log (kind, id);
            """),
    ];
}
