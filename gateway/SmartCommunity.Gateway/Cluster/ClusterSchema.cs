using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Cluster;

/// <summary>
/// Leases (who does the once-per-community work, until when) and the record of work done once
/// (<c>cluster_fired</c>: an escalation step or a discharge warning that must not fire twice, whichever gateway fires it),
/// and the events and acknowledgements already handled by any gateway (<c>ingest_seen</c>).
/// </summary>
internal sealed class ClusterSchema : ISchemaProvider
{
    public IEnumerable<Migration> Migrations { get; } =
    [
        new(160, "cluster", 1, """
            CREATE TABLE cluster_leases (
                name TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                expires_at BIGINT NOT NULL
            ) {without_rowid};
            CREATE TABLE cluster_fired (
                key TEXT PRIMARY KEY,
                fired_at BIGINT NOT NULL,
                node TEXT NOT NULL
            ) {without_rowid};
            CREATE INDEX cluster_fired_at ON cluster_fired (fired_at);
            """),
        // Shared de-duplication of events and acknowledgements (ClusterSequenceClaims): the key is the message's identity.
        new(161, "cluster", 2, """
            CREATE TABLE ingest_seen (
                device_id TEXT NOT NULL,
                boot BIGINT NOT NULL,
                seq BIGINT NOT NULL,
                node TEXT NOT NULL,
                seen_at BIGINT NOT NULL,
                PRIMARY KEY (device_id, boot, seq)
            ) {without_rowid};
            CREATE INDEX ingest_seen_at ON ingest_seen (seen_at);
            """),
    ];
}
