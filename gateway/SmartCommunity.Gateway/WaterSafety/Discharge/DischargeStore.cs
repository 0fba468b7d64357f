using System.Text.Json;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.WaterSafety.Discharge;

/// <summary>Reservoirs and notices in SQLite, each row one JSON document (small, written on every change).</summary>
public sealed class DischargeStore(SqliteDatabase database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void SaveReservoir(Reservoir reservoir) =>
        Write("INSERT INTO water_reservoirs (id, body) VALUES ($id, $b) ON CONFLICT(id) DO UPDATE SET body = $b", reservoir.Id, JsonSerializer.Serialize(reservoir, Json));

    public void SaveNotice(DischargeNotice notice) =>
        Write("INSERT INTO water_notices (id, state, body) VALUES ($id, $s, $b) ON CONFLICT(id) DO UPDATE SET state = $s, body = $b", notice.Id, JsonSerializer.Serialize(notice, Json), notice.State);

    public List<Reservoir> LoadReservoirs() => Read<Reservoir>("SELECT body FROM water_reservoirs");

    public List<DischargeNotice> LoadNotices() => Read<DischargeNotice>("SELECT body FROM water_notices");

    private void Write(string sql, string id, string body, string? state = null)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$b", body);
        if (state is not null)
        {
            command.Parameters.AddWithValue("$s", state);
        }

        command.ExecuteNonQuery();
    }

    private List<T> Read<T>(string sql)
    {
        var list = new List<T>();
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (JsonSerializer.Deserialize<T>(reader.GetString(0), Json) is { } item)
            {
                list.Add(item);
            }
        }

        return list;
    }
}
