using System.Text.Json;
using Dapper;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.WaterSafety.Discharge;

/// <summary>Reservoirs and notices in the database, each row one JSON document (small, written on every change).</summary>
public sealed class DischargeStore(Database database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void SaveReservoir(Reservoir reservoir)
    {
        using var connection = database.Open();
        connection.Execute("INSERT INTO water_reservoirs (id, body) VALUES (@id, @body) ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            new { id = reservoir.Id, body = JsonSerializer.Serialize(reservoir, Json) });
    }

    public void SaveNotice(DischargeNotice notice)
    {
        using var connection = database.Open();
        connection.Execute("INSERT INTO water_notices (id, state, body) VALUES (@id, @state, @body) ON CONFLICT (id) DO UPDATE SET state = excluded.state, body = excluded.body",
            new { id = notice.Id, state = notice.State, body = JsonSerializer.Serialize(notice, Json) });
    }

    public List<Reservoir> LoadReservoirs() => Read<Reservoir>("SELECT body FROM water_reservoirs");

    public List<DischargeNotice> LoadNotices() => Read<DischargeNotice>("SELECT body FROM water_notices");

    private List<T> Read<T>(string sql)
    {
        using var connection = database.Open();
        return connection.Query<string>(sql).Select(b => JsonSerializer.Deserialize<T>(b, Json)).OfType<T>().ToList();
    }
}
