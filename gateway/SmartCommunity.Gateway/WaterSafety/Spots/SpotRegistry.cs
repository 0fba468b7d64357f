using System.Collections.Frozen;
using System.Text.Json;
using Dapper;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.WaterSafety.Spots;

/// <summary>
/// Hazardous spots in the database and in memory. Readers (ingest threads) see an immutable snapshot with lookups by
/// level station and camera; writers replace it. Loaded lazily on first use, which is after the start-up
/// migration because the seed (applied after migration) or a request is the first user.
/// </summary>
public sealed class SpotRegistry(Database database, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lock _write = new();
    private SpotIndex? _index;

    /// <summary>Raised after a spot was added, changed or deleted (its ID).</summary>
    public event Action<string>? Changed;

    public SpotIndex Index => Volatile.Read(ref _index) ?? Load();

    public HazardousSpot? Get(string id) => Index.ById.GetValueOrDefault(id);

    public void Upsert(HazardousSpot spot)
    {
        lock (_write)
        {
            using var connection = database.Open();
            connection.Execute("""
                INSERT INTO water_spots (id, body, updated_at) VALUES (@id, @body, @at)
                ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
                """, new { id = spot.Id, body = JsonSerializer.Serialize(spot, Json), at = time.GetUtcNow().ToUnixTimeMilliseconds() });
            var all = Index.ById.Values.Where(s => s.Id != spot.Id).Append(spot);
            Volatile.Write(ref _index, new SpotIndex(all));
        }

        Changed?.Invoke(spot.Id);
    }

    public bool Delete(string id)
    {
        lock (_write)
        {
            using var connection = database.Open();
            if (connection.Execute("DELETE FROM water_spots WHERE id = @id", new { id }) == 0)
            {
                return false;
            }

            Volatile.Write(ref _index, new SpotIndex(Index.ById.Values.Where(s => s.Id != id)));
        }

        Changed?.Invoke(id);
        return true;
    }

    private SpotIndex Load()
    {
        lock (_write)
        {
            if (Volatile.Read(ref _index) is { } loaded)
            {
                return loaded;
            }

            var spots = new List<HazardousSpot>();
            using var connection = database.Open();
            foreach (var body in connection.Query<string>("SELECT body FROM water_spots"))
            {
                if (JsonSerializer.Deserialize<HazardousSpot>(body, Json) is { } spot)
                {
                    spots.Add(spot);
                }
            }

            var index = new SpotIndex(spots);
            Volatile.Write(ref _index, index);
            return index;
        }
    }
}

/// <summary>An immutable view of all spots with the lookups the ingest handlers need.</summary>
public sealed class SpotIndex
{
    public SpotIndex(IEnumerable<HazardousSpot> spots)
    {
        var list = spots.ToList();
        ById = list.ToFrozenDictionary(s => s.Id, StringComparer.Ordinal);
        ByStation = list.Where(s => s.Devices.LevelStation is not null)
            .GroupBy(s => s.Devices.LevelStation!, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => (IReadOnlyList<HazardousSpot>)[.. g], StringComparer.Ordinal);
        ByCamera = list.SelectMany(s => (s.Devices.Cameras ?? []).Select(c => (c, s)))
            .GroupBy(x => x.c.Id, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => (IReadOnlyList<(SpotCamera Camera, HazardousSpot Spot)>)[.. g], StringComparer.Ordinal);
    }

    public FrozenDictionary<string, HazardousSpot> ById { get; }

    public FrozenDictionary<string, IReadOnlyList<HazardousSpot>> ByStation { get; }

    public FrozenDictionary<string, IReadOnlyList<(SpotCamera Camera, HazardousSpot Spot)>> ByCamera { get; }
}
