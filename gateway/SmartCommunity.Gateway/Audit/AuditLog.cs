using System.Text;
using Dapper;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Audit;

/// <summary>One administrative change: who made which call on what, and when (UTC; the console shows local time).</summary>
/// <param name="Kind">The route's fixed words joined by dots (<c>people</c>, <c>alerts.ack</c>, <c>video.cameras.regions</c>).</param>
/// <param name="Target">The thing changed: the route's ID, or for a creation the ID in the answer's Location.</param>
/// <param name="Detail">The request body with secrets removed (<see cref="AuditRedaction"/>), cut to a few KB.</param>
public sealed record AuditEntry(long Id, DateTimeOffset At, string ActorId, string ActorName, string ActorRole, string Method, string Kind,
    string Route, string? Target, int Status, string? Detail);

/// <summary>A page of entries, newest first; <see cref="NextBefore"/> asks for the next (older) page, null at the end.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, long? NextBefore);

/// <summary>What to read: every filter is optional; <c>Kind</c> matches the kind and its sub-kinds (<c>alerts</c> finds <c>alerts.ack</c>).</summary>
public sealed record AuditQuery(string? Actor, string? Kind, DateTimeOffset? From, DateTimeOffset? To, long? Before, int Limit);

/// <summary>The audit table: appended to by <see cref="AuditRecorder"/>, read page by page by the admins' API.</summary>
public sealed class AuditLog(Database database)
{
    public void Append(AuditEntry entry)
    {
        using var connection = database.Open();
        connection.Execute("""
            INSERT INTO audit_log (at, actor_id, actor_name, actor_role, method, kind, route, target, status, detail)
            VALUES (@at, @actorId, @actorName, @actorRole, @method, @kind, @route, @target, @status, @detail)
            """,
            new
            {
                at = entry.At.ToUnixTimeMilliseconds(), actorId = entry.ActorId, actorName = entry.ActorName, actorRole = entry.ActorRole,
                method = entry.Method, kind = entry.Kind, route = entry.Route, target = entry.Target, status = entry.Status, detail = entry.Detail,
            });
    }

    public AuditPage Read(AuditQuery query)
    {
        var sql = new StringBuilder("SELECT id, at, actor_id, actor_name, actor_role, method, kind, route, target, status, detail FROM audit_log WHERE 1 = 1");
        var parameters = new DynamicParameters();
        if (!string.IsNullOrEmpty(query.Actor))
        {
            sql.Append(" AND actor_id = @actor");
            parameters.Add("actor", query.Actor);
        }

        if (!string.IsNullOrEmpty(query.Kind))
        {
            // Kinds are the route's words and dots only (checked by the API), so no LIKE wildcard can come from the caller.
            sql.Append(" AND (kind = @kind OR kind LIKE @kindPrefix)");
            parameters.Add("kind", query.Kind);
            parameters.Add("kindPrefix", query.Kind + ".%");
        }

        if (query.From is { } from)
        {
            sql.Append(" AND at >= @from");
            parameters.Add("from", from.ToUnixTimeMilliseconds());
        }

        if (query.To is { } to)
        {
            sql.Append(" AND at < @to");
            parameters.Add("to", to.ToUnixTimeMilliseconds());
        }

        if (query.Before is { } before)
        {
            sql.Append(" AND id < @before");
            parameters.Add("before", before);
        }

        // One more than asked tells whether an older page exists.
        sql.Append(" ORDER BY id DESC LIMIT @limit");
        parameters.Add("limit", query.Limit + 1);
        using var connection = database.Open();
        var rows = connection.Query<Row>(sql.ToString(), parameters).ToList();
        var items = rows.Take(query.Limit)
            .Select(r => new AuditEntry(r.Id, DateTimeOffset.FromUnixTimeMilliseconds(r.At), r.ActorId, r.ActorName, r.ActorRole, r.Method, r.Kind,
                r.Route, r.Target, (int)r.Status, r.Detail))
            .ToList();
        return new AuditPage(items, rows.Count > query.Limit ? items[^1].Id : null);
    }

    private sealed class Row
    {
        public long Id { get; init; }
        public long At { get; init; }
        public string ActorId { get; init; } = "";
        public string ActorName { get; init; } = "";
        public string ActorRole { get; init; } = "";
        public string Method { get; init; } = "";
        public string Kind { get; init; } = "";
        public string Route { get; init; } = "";
        public string? Target { get; init; }
        public long Status { get; init; }
        public string? Detail { get; init; }
    }
}
