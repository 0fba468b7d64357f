using System.Globalization;
using System.Text;
using Dapper;

namespace SmartCommunity.Gateway.DoorAccess.Events;

/// <summary>Filters of the door event log; all optional. <see cref="Cells"/> null means every cell (staff).</summary>
public sealed record DoorEventFilter(
    string? Device,
    string? Door,
    string? Cell,
    string? Type,
    DateTimeOffset? From,
    DateTimeOffset? To,
    string? Person,
    string? Card,
    IReadOnlySet<string>? Cells,
    int Limit);

/// <summary>Reads the door event log, newest first by device time.</summary>
public sealed partial class DoorEventLog
{
    public IReadOnlyList<DoorEvent> Query(DoorEventFilter filter)
    {
        var sql = new StringBuilder("SELECT device_id, boot, seq, ts, received_at, type, door, direction, count, card, person, cell_id, detail FROM door_events WHERE 1 = 1");
        var parameters = new DynamicParameters();
        void Where(string clause, string name, object value)
        {
            sql.Append(" AND ").Append(clause);
            parameters.Add(name, value);
        }

        if (filter.Device is not null)
        {
            Where("device_id = @device", "device", filter.Device);
        }

        if (filter.Door is not null)
        {
            Where("door = @door", "door", filter.Door);
        }

        if (filter.Cell is not null)
        {
            Where("cell_id = @cell", "cell", filter.Cell);
        }

        if (filter.Type is not null)
        {
            Where("type = @type", "type", filter.Type);
        }

        if (filter.From is { } from)
        {
            Where("ts >= @from", "from", from.ToUnixTimeMilliseconds());
        }

        if (filter.To is { } to)
        {
            Where("ts < @to", "to", to.ToUnixTimeMilliseconds());
        }

        if (filter.Person is not null)
        {
            Where("person = @person", "person", filter.Person);
        }

        if (filter.Card is not null)
        {
            Where("card = @card", "card", filter.Card);
        }

        if (filter.Cells is { } cells)
        {
            // A guard's visible cells: bound as parameters, never spliced into the SQL.
            var names = cells.Select((c, i) => "c" + i.ToString(CultureInfo.InvariantCulture)).ToList();
            sql.Append(" AND cell_id IN (").Append(names.Count == 0 ? "NULL" : string.Join(", ", names.Select(n => "@" + n))).Append(')');
            foreach (var (name, cell) in names.Zip(cells))
            {
                parameters.Add(name, cell);
            }
        }

        sql.Append(" ORDER BY ts DESC, device_id, seq DESC LIMIT @limit");
        parameters.Add("limit", filter.Limit);
        using var connection = _database.Open();
        return connection.Query<DoorEventRow>(sql.ToString(), parameters)
            .Select(r => new DoorEvent(r.DeviceId, r.Boot, r.Seq, DateTimeOffset.FromUnixTimeMilliseconds(r.Ts), DateTimeOffset.FromUnixTimeMilliseconds(r.ReceivedAt),
                r.Type, r.Door, r.Direction, (int)r.Count, r.Card, r.Person, r.CellId, r.Detail))
            .ToList();
    }

    private sealed class DoorEventRow
    {
        public string DeviceId { get; init; } = "";
        public long Boot { get; init; }
        public long Seq { get; init; }
        public long Ts { get; init; }
        public long ReceivedAt { get; init; }
        public string Type { get; init; } = "";
        public string? Door { get; init; }
        public string? Direction { get; init; }
        public long Count { get; init; }
        public string? Card { get; init; }
        public string? Person { get; init; }
        public string? CellId { get; init; }
        public string? Detail { get; init; }
    }
}
