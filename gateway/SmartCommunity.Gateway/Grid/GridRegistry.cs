using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Grid;

/// <summary>
/// The grid hierarchy and the people responsible for it. Reads come from an immutable snapshot (cheap and
/// consistent for routing alerts); writes go to SQLite first and then replace the snapshot.
/// </summary>
public sealed class GridRegistry
{
    private readonly SqliteDatabase _database;
    private readonly Lock _writeLock = new();
    private GridSnapshot _snapshot = GridSnapshot.Empty;

    public GridRegistry(SqliteDatabase database) => _database = database;

    public GridSnapshot Snapshot => Volatile.Read(ref _snapshot);

    public void Load()
    {
        using var connection = _database.Open();
        var cells = new List<GridCell>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id, parent_id, level, name, lat, lon FROM grid_cells";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                cells.Add(new GridCell(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                    Enum.Parse<CellLevel>(reader.GetString(2)), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetDouble(4), reader.IsDBNull(5) ? null : reader.GetDouble(5)));
            }
        }

        var people = new List<Person>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id, name, role, duty, cells, phone, webhook_url, enabled FROM people";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                people.Add(new Person(reader.GetString(0), reader.GetString(1), reader.GetString(2), Enum.Parse<Duty>(reader.GetString(3)),
                    JsonSerializer.Deserialize(reader.GetString(4), GatewayJsonContext.Default.StringArray) ?? [],
                    reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetInt64(7) != 0));
            }
        }

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
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO grid_cells (id, parent_id, level, name, lat, lon) VALUES ($id, $parent, $level, $name, $lat, $lon)
                ON CONFLICT(id) DO UPDATE SET parent_id = $parent, level = $level, name = $name, lat = $lat, lon = $lon
                """;
            command.Parameters.AddWithValue("$id", cell.Id);
            command.Parameters.AddWithValue("$parent", (object?)cell.ParentId ?? DBNull.Value);
            command.Parameters.AddWithValue("$level", cell.Level.ToString());
            command.Parameters.AddWithValue("$name", cell.Name);
            command.Parameters.AddWithValue("$lat", (object?)cell.Lat ?? DBNull.Value);
            command.Parameters.AddWithValue("$lon", (object?)cell.Lon ?? DBNull.Value);
            command.ExecuteNonQuery();
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
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM grid_cells WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            try
            {
                command.ExecuteNonQuery();
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
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
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO people (id, name, role, duty, cells, phone, webhook_url, enabled, password_hash)
                VALUES ($id, $name, $role, $duty, $cells, $phone, $webhook, $enabled, $hash)
                ON CONFLICT(id) DO UPDATE SET name = $name, role = $role, duty = $duty, cells = $cells, phone = $phone,
                    webhook_url = $webhook, enabled = $enabled, password_hash = COALESCE($hash, password_hash)
                """;
            command.Parameters.AddWithValue("$id", person.Id);
            command.Parameters.AddWithValue("$name", person.Name);
            command.Parameters.AddWithValue("$role", person.Role);
            command.Parameters.AddWithValue("$duty", person.Duty.ToString());
            command.Parameters.AddWithValue("$cells", JsonSerializer.Serialize(person.Cells.ToArray(), GatewayJsonContext.Default.StringArray));
            command.Parameters.AddWithValue("$phone", (object?)person.Phone ?? DBNull.Value);
            command.Parameters.AddWithValue("$webhook", (object?)person.WebhookUrl ?? DBNull.Value);
            command.Parameters.AddWithValue("$enabled", person.Enabled ? 1 : 0);
            command.Parameters.AddWithValue("$hash", (object?)passwordHash ?? DBNull.Value);
            command.ExecuteNonQuery();
            Volatile.Write(ref _snapshot, snapshot.WithPerson(person));
            return null;
        }
    }

    public bool DeletePerson(string id)
    {
        lock (_writeLock)
        {
            using var connection = _database.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM people WHERE id = $id; DELETE FROM sessions WHERE person_id = $id;";
            command.Parameters.AddWithValue("$id", id);
            var deleted = command.ExecuteNonQuery() > 0;
            Volatile.Write(ref _snapshot, Snapshot.WithoutPerson(id));
            return deleted;
        }
    }

    /// <summary>The stored password hash of a person, or null when they have none (cannot log in).</summary>
    public string? GetPasswordHash(string personId)
    {
        using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT password_hash FROM people WHERE id = $id";
        command.Parameters.AddWithValue("$id", personId);
        return command.ExecuteScalar() as string;
    }

    public int CountPeople() => Snapshot.People.Count;
}
