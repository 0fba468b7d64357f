using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.DoorAccess.Events;

/// <summary>
/// The door event log. The primary key is the protocol's identity of a message, (device, boot, seq): the agent
/// replays its disk queue with the same boot and seq, so a replay after an outage, or a repeat the gateway's
/// in-memory sequence window no longer remembers (after a gateway restart), is stored and alarmed once.
/// </summary>
internal sealed class DoorEventSchema : ISchemaProvider
{
    public IEnumerable<Migration> Migrations =>
    [
        new(30, "door_access", 1, """
            CREATE TABLE door_events (
                device_id TEXT NOT NULL,
                boot BIGINT NOT NULL,
                seq BIGINT NOT NULL,
                ts BIGINT NOT NULL,
                received_at BIGINT NOT NULL,
                type TEXT NOT NULL,
                door TEXT,
                direction TEXT,
                count INTEGER NOT NULL,
                card TEXT,
                person TEXT,
                cell_id TEXT,
                detail TEXT,
                PRIMARY KEY (device_id, boot, seq)) {without_rowid};
            CREATE INDEX ix_door_events_ts ON door_events (ts);
            CREATE INDEX ix_door_events_device_ts ON door_events (device_id, ts);
            CREATE INDEX ix_door_events_person ON door_events (person, ts) WHERE person IS NOT NULL;
            CREATE INDEX ix_door_events_card ON door_events (card, ts) WHERE card IS NOT NULL;
            """),
    ];
}
