using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

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
        using var connection = _database.Open();
        using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT device_id, boot, seq, ts, received_at, type, door, direction, count, card, person, cell_id, detail FROM door_events WHERE 1 = 1");
        void Where(string clause, string name, object value)
        {
            sql.Append(" AND ").Append(clause);
            command.Parameters.AddWithValue(name, value);
        }

        if (filter.Device is not null)
        {
            Where("device_id = $device", "$device", filter.Device);
        }

        if (filter.Door is not null)
        {
            Where("door = $door", "$door", filter.Door);
        }

        if (filter.Cell is not null)
        {
            Where("cell_id = $cell", "$cell", filter.Cell);
        }

        if (filter.Type is not null)
        {
            Where("type = $type", "$type", filter.Type);
        }

        if (filter.From is { } from)
        {
            Where("ts >= $from", "$from", from.ToUnixTimeMilliseconds());
        }

        if (filter.To is { } to)
        {
            Where("ts < $to", "$to", to.ToUnixTimeMilliseconds());
        }

        if (filter.Person is not null)
        {
            Where("person = $person", "$person", filter.Person);
        }

        if (filter.Card is not null)
        {
            Where("card = $card", "$card", filter.Card);
        }

        if (filter.Cells is { } cells)
        {
            // A guard's visible cells: bound as parameters, never spliced into the SQL.
            var names = cells.Select((c, i) => "$c" + i.ToString(CultureInfo.InvariantCulture)).ToList();
            sql.Append(" AND cell_id IN (").Append(names.Count == 0 ? "NULL" : string.Join(", ", names)).Append(')');
            foreach (var (name, cell) in names.Zip(cells))
            {
                command.Parameters.AddWithValue(name, cell);
            }
        }

        sql.Append(" ORDER BY ts DESC, device_id, seq DESC LIMIT $limit");
        command.Parameters.AddWithValue("$limit", filter.Limit);
        command.CommandText = sql.ToString();
        var list = new List<DoorEvent>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            list.Add(new DoorEvent(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), reader.GetString(5), Text(reader, 6), Text(reader, 7), reader.GetInt32(8),
                Text(reader, 9), Text(reader, 10), Text(reader, 11), Text(reader, 12)));
        }

        return list;
    }

    private static string? Text(SqliteDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
}
