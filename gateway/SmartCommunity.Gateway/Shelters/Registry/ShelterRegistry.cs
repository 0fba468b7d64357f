using System.Collections.Frozen;
using System.Text.Json;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Shelters;

/// <summary>One line of a shelter's audit trail: who did what, when (open/close, headcount, changes).</summary>
public sealed record ShelterAuditEntry(long Id, string ShelterId, DateTimeOffset At, string Actor, string Action, string? Detail);

/// <summary>
/// Shelters in SQLite and in memory. Readers (ingest threads, the counting loop) see an immutable index with the
/// lookups by door unit and by camera line; writers replace it. Loaded lazily on first use (after migration).
/// </summary>
public sealed class ShelterRegistry(SqliteDatabase database, TimeProvider time)
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
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO shelters (id, body, updated_at) VALUES ($id, $b, $t) ON CONFLICT(id) DO UPDATE SET body = $b, updated_at = $t";
            command.Parameters.AddWithValue("$id", shelter.Id);
            command.Parameters.AddWithValue("$b", JsonSerializer.Serialize(shelter, Json));
            command.Parameters.AddWithValue("$t", time.GetUtcNow().ToString("O"));
            command.ExecuteNonQuery();
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
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE shelters SET body = $b, updated_at = $t WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$b", JsonSerializer.Serialize(changed, Json));
            command.Parameters.AddWithValue("$t", now.ToString("O"));
            command.ExecuteNonQuery();
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
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM shelters WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            if (command.ExecuteNonQuery() == 0)
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
    internal void Audit(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction transaction, string shelterId, string actor, string action, string? detail)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO shelter_audit (shelter_id, at, actor, action, detail) VALUES ($s, $t, $a, $x, $d)";
        command.Parameters.AddWithValue("$s", shelterId);
        command.Parameters.AddWithValue("$t", time.GetUtcNow().ToString("O"));
        command.Parameters.AddWithValue("$a", actor);
        command.Parameters.AddWithValue("$x", action);
        command.Parameters.AddWithValue("$d", (object?)detail ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    public IReadOnlyList<ShelterAuditEntry> AuditTrail(string shelterId, int limit)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, at, actor, action, detail FROM shelter_audit WHERE shelter_id = $s ORDER BY id DESC LIMIT $n";
        command.Parameters.AddWithValue("$s", shelterId);
        command.Parameters.AddWithValue("$n", limit);
        using var reader = command.ExecuteReader();
        var list = new List<ShelterAuditEntry>();
        while (reader.Read())
        {
            list.Add(new ShelterAuditEntry(reader.GetInt64(0), shelterId, DateTimeOffset.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture),
                reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return list;
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
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT body FROM shelters";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (JsonSerializer.Deserialize<Shelter>(reader.GetString(0), Json) is { } shelter)
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
