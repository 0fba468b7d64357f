using System.Collections.Frozen;
using System.Text.Json;
using System.Data.Common;
using Dapper;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Grid;

/// <summary>
/// The grid hierarchy and the people responsible for it. Reads come from an immutable snapshot (cheap and
/// consistent for routing alerts); writes go to the database first and then replace the snapshot.
/// </summary>
public sealed class GridRegistry
{
    private readonly Database _database;
    private readonly Lock _writeLock = new();
    private GridSnapshot _snapshot = GridSnapshot.Empty;

    public GridRegistry(Database database) => _database = database;

    public GridSnapshot Snapshot => Volatile.Read(ref _snapshot);

    public void Load()
    {
        using var connection = _database.Open();
        var cells = connection.Query<CellRow>("SELECT id, parent_id, level, name, lat, lon FROM grid_cells")
            .Select(r => new GridCell(r.Id, r.ParentId, Enum.Parse<CellLevel>(r.Level), r.Name, r.Lat, r.Lon)).ToList();
        var people = connection.Query<PersonRow>("SELECT id, name, role, duty, cells, phone, webhook_url, enabled FROM people")
            .Select(r => new Person(r.Id, r.Name, r.Role, Enum.Parse<Duty>(r.Duty), JsonSerializer.Deserialize(r.Cells, GatewayJsonContext.Default.StringArray) ?? [],
                r.Phone, r.WebhookUrl, r.Enabled != 0)).ToList();
        Volatile.Write(ref _snapshot, new GridSnapshot(cells, people));
    }

    /// <summary>Adds or replaces a cell. Returns an error text when the hierarchy would be broken.</summary>
    public string? UpsertCell(GridCell cell)
    {
        lock (_writeLock)
        {
            var snapshot = Snapshot;
            var error = GridRules.CheckCell(cell, snapshot);
            if (error is not null)
            {
                return error;
            }

            using var connection = _database.Open();
            try
            {
                connection.Execute("""
                    INSERT INTO grid_cells (id, parent_id, level, name, lat, lon) VALUES (@Id, @ParentId, @Level, @Name, @Lat, @Lon)
                    ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, level = excluded.level, name = excluded.name, lat = excluded.lat, lon = excluded.lon
                    """, new { cell.Id, cell.ParentId, Level = cell.Level.ToString(), cell.Name, cell.Lat, cell.Lon });
            }
            catch (DbException ex) when (SqlDialect.IsConstraintViolation(ex))
            {
                // The rules above check the parent in the snapshot; the database's foreign key is the last word.
                return $"Cell '{cell.ParentId}' does not exist.";
            }

            Volatile.Write(ref _snapshot, snapshot.WithCell(cell));
            return null;
        }
    }

    /// <summary>Deletes a cell that has no children, devices or people. Returns an error text otherwise.</summary>
    public string? DeleteCell(string id)
    {
        lock (_writeLock)
        {
            var snapshot = Snapshot;
            if (snapshot.Children(id).Count > 0)
            {
                return $"Cell '{id}' has child cells; move or delete them first.";
            }

            if (snapshot.People.Any(p => p.Cells.Contains(id)))
            {
                return $"Cell '{id}' still has people responsible for it; reassign them first.";
            }

            using var connection = _database.Open();
            try
            {
                connection.Execute("DELETE FROM grid_cells WHERE id = @id", new { id });
            }
            catch (DbException ex) when (SqlDialect.IsConstraintViolation(ex))
            {
                // SQLITE_CONSTRAINT: a device (or another feature's row) still points at this cell.
                return $"Cell '{id}' is still referenced by devices or places; move them first.";
            }

            Volatile.Write(ref _snapshot, snapshot.WithoutCell(id));
            return null;
        }
    }

    /// <summary>Adds or replaces a person. A null <paramref name="passwordHash"/> keeps the stored one.</summary>
    public string? UpsertPerson(Person person, string? passwordHash)
    {
        lock (_writeLock)
        {
            var snapshot = Snapshot;
            var error = GridRules.CheckPerson(person, snapshot);
            if (error is not null)
            {
                return error;
            }

            using var connection = _database.Open();
            connection.Execute("""
                INSERT INTO people (id, name, role, duty, cells, phone, webhook_url, enabled, password_hash)
                VALUES (@Id, @Name, @Role, @Duty, @Cells, @Phone, @WebhookUrl, @Enabled, @Hash)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, duty = excluded.duty, cells = excluded.cells, phone = excluded.phone,
                    webhook_url = excluded.webhook_url, enabled = excluded.enabled, password_hash = COALESCE(excluded.password_hash, people.password_hash)
                """, new
            {
                person.Id,
                person.Name,
                person.Role,
                Duty = person.Duty.ToString(),
                Cells = JsonSerializer.Serialize(person.Cells.ToArray(), GatewayJsonContext.Default.StringArray),
                person.Phone,
                person.WebhookUrl,
                Enabled = person.Enabled ? 1 : 0,
                Hash = passwordHash,
            });
            Volatile.Write(ref _snapshot, snapshot.WithPerson(person));
            return null;
        }
    }

    public bool DeletePerson(string id)
    {
        lock (_writeLock)
        {
            using var connection = _database.Open();
            using var transaction = connection.BeginTransaction();
            var deleted = connection.Execute("DELETE FROM people WHERE id = @id", new { id }, transaction) > 0;
            connection.Execute("DELETE FROM sessions WHERE person_id = @id", new { id }, transaction);
            transaction.Commit();
            Volatile.Write(ref _snapshot, Snapshot.WithoutPerson(id));
            return deleted;
        }
    }

    /// <summary>The stored password hash of a person, or null when they have none (cannot log in).</summary>
    public string? GetPasswordHash(string personId)
    {
        using var connection = _database.Open();
        return connection.QueryFirstOrDefault<string?>("SELECT password_hash FROM people WHERE id = @personId", new { personId });
    }

    private sealed class CellRow
    {
        public string Id { get; init; } = "";
        public string? ParentId { get; init; }
        public string Level { get; init; } = "";
        public string Name { get; init; } = "";
        public double? Lat { get; init; }
        public double? Lon { get; init; }
    }

    private sealed class PersonRow
    {
        public string Id { get; init; } = "";
        public string Name { get; init; } = "";
        public string Role { get; init; } = "";
        public string Duty { get; init; } = "";
        public string Cells { get; init; } = "[]";
        public string? Phone { get; init; }
        public string? WebhookUrl { get; init; }
        public long Enabled { get; init; }
    }

    public int CountPeople() => Snapshot.People.Count;
}
