using System.Collections.Frozen;
using System.Data.Common;
using System.Text.Json;
using Dapper;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Shelters;

/// <summary>One line of a shelter's audit trail: who did what, when (open/close, headcount, changes).</summary>
public sealed record ShelterAuditEntry(long Id, string ShelterId, DateTimeOffset At, string Actor, string Action, string? Detail);

/// <summary>
/// Shelters in the database and in memory. Readers (ingest threads, the counting loop) see an immutable index with the
/// lookups by door unit and by camera line; writers replace it. Loaded lazily on first use (after migration).
/// </summary>
public sealed class ShelterRegistry(Database database, TimeProvider time)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lock _write = new();
    private ShelterIndex? _index;

    /// <summary>Raised after a shelter was added, changed or deleted (its ID).</summary>
    public event Action<string>? Changed;

    public ShelterIndex Index => Volatile.Read(ref _index) ?? Load();

    public Shelter? Get(string id) => Index.ById.GetValueOrDefault(id);

    /// <summary>Stores the shelter and an audit line naming who changed it.</summary>
    public void Upsert(Shelter shelter, string actor)
    {
        lock (_write)
        {
            using var connection = database.Open();
            using var transaction = connection.BeginTransaction();
            connection.Execute("""
                INSERT INTO shelters (id, body, updated_at) VALUES (@id, @body, @at)
                ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
                """, new { id = shelter.Id, body = JsonSerializer.Serialize(shelter, Json), at = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction);
            Audit(connection, transaction, shelter.Id, actor, "saved", $"capacity {shelter.Capacity}, {shelter.Entrances.Count} entrances");
            transaction.Commit();
            Volatile.Write(ref _index, new ShelterIndex(Index.ById.Values.Where(s => s.Id != shelter.Id).Append(shelter)));
        }

        Changed?.Invoke(shelter.Id);
    }

    /// <summary>Opens or closes a shelter; returns the changed shelter, or null when it does not exist.</summary>
    public Shelter? SetOpen(string id, bool open, string actor, string? note)
    {
        Shelter? changed;
        lock (_write)
        {
            if (Get(id) is not { } shelter)
            {
                return null;
            }

            var now = time.GetUtcNow();
            changed = shelter with { Open = open, OpenChangedAt = now, OpenChangedBy = actor };
            using var connection = database.Open();
            using var transaction = connection.BeginTransaction();
            connection.Execute("UPDATE shelters SET body = @body, updated_at = @at WHERE id = @id",
                new { id, body = JsonSerializer.Serialize(changed, Json), at = now.ToUnixTimeMilliseconds() }, transaction);
            Audit(connection, transaction, id, actor, open ? "opened" : "closed", note);
            transaction.Commit();
            Volatile.Write(ref _index, new ShelterIndex(Index.ById.Values.Where(s => s.Id != id).Append(changed)));
        }

        Changed?.Invoke(id);
        return changed;
    }

    public bool Delete(string id, string actor)
    {
        lock (_write)
        {
            using var connection = database.Open();
            using var transaction = connection.BeginTransaction();
            if (connection.Execute("DELETE FROM shelters WHERE id = @id", new { id }, transaction) == 0)
            {
                return false;
            }

            Audit(connection, transaction, id, actor, "deleted", null);
            transaction.Commit();
            Volatile.Write(ref _index, new ShelterIndex(Index.ById.Values.Where(s => s.Id != id)));
        }

        Changed?.Invoke(id);
        return true;
    }

    /// <summary>Writes an audit line inside the caller's transaction (the counting loop records headcounts this way).</summary>
    internal void Audit(DbConnection connection, DbTransaction transaction, string shelterId, string actor, string action, string? detail) =>
        connection.Execute("INSERT INTO shelter_audit (shelter_id, at, actor, action, detail) VALUES (@shelterId, @at, @actor, @action, @detail)",
            new { shelterId, at = time.GetUtcNow().ToUnixTimeMilliseconds(), actor, action, detail }, transaction);

    public IReadOnlyList<ShelterAuditEntry> AuditTrail(string shelterId, int limit)
    {
        using var connection = database.Open();
        return connection.Query<(long Id, long At, string Actor, string Action, string? Detail)>(
                "SELECT id, at, actor, action, detail FROM shelter_audit WHERE shelter_id = @shelterId ORDER BY id DESC LIMIT @limit", new { shelterId, limit })
            .Select(r => new ShelterAuditEntry(r.Id, shelterId, DateTimeOffset.FromUnixTimeMilliseconds(r.At), r.Actor, r.Action, r.Detail))
            .ToList();
    }

    private ShelterIndex Load()
    {
        lock (_write)
        {
            if (Volatile.Read(ref _index) is { } loaded)
            {
                return loaded;
            }

            var shelters = new List<Shelter>();
            using var connection = database.Open();
            foreach (var body in connection.Query<string>("SELECT body FROM shelters"))
            {
                if (JsonSerializer.Deserialize<Shelter>(body, Json) is { } shelter)
                {
                    shelters.Add(shelter);
                }
            }

            var index = new ShelterIndex(shelters);
            Volatile.Write(ref _index, index);
            return index;
        }
    }
}

/// <summary>Where a counting event lands: shelter, entrance and the source that saw it.</summary>
public sealed record SourceBinding(Shelter Shelter, Entrance Entrance, CountingSource Source);

/// <summary>An immutable view of all shelters with the lookups the ingest handler needs.</summary>
public sealed class ShelterIndex
{
    public ShelterIndex(IEnumerable<Shelter> shelters)
    {
        var list = shelters.ToList();
        ById = list.ToFrozenDictionary(s => s.Id, StringComparer.Ordinal);
        var bindings = list.SelectMany(s => s.Entrances.SelectMany(e => e.Sources.Select(source => new SourceBinding(s, e, source)))).ToList();
        BySource = bindings.GroupBy(b => b.Source.Key, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        Devices = bindings.Select(b => b.Source.DeviceId).ToFrozenSet(StringComparer.Ordinal);
    }

    public FrozenDictionary<string, Shelter> ById { get; }

    /// <summary>By <see cref="CountingSource.Key"/>.</summary>
    public FrozenDictionary<string, SourceBinding> BySource { get; }

    /// <summary>Devices that count for some shelter (a quick test on the ingest path).</summary>
    public FrozenSet<string> Devices { get; }

    /// <summary>The binding of a door unit's passage: its door's own source, else the unit's any-door source.</summary>
    public SourceBinding? ForDoor(string deviceId, string? door) =>
        (door is null ? null : BySource.GetValueOrDefault($"door:{deviceId}/{door}")) ?? BySource.GetValueOrDefault($"door:{deviceId}/*");

    public SourceBinding? ForLine(string cameraId, string line) => BySource.GetValueOrDefault($"line:{cameraId}/{line}");

    /// <summary>The shelter an entrance source already belongs to, or null.</summary>
    public string? OwnerOf(CountingSource source) => BySource.GetValueOrDefault(source.Key)?.Shelter.Id;
}
