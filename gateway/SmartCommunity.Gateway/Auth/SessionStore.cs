using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Auth;

/// <summary>
/// Login sessions: opaque random tokens handed to the client; only their SHA-256 is stored, so a copy of the
/// database does not let anyone sign in. Sessions survive a gateway restart.
/// </summary>
public sealed class SessionStore(Database database, TimeProvider time, IOptions<AuthOptions> options)
{
    private readonly ConcurrentDictionary<string, (string PersonId, long ExpiresAt)> _cache = new(StringComparer.Ordinal);

    public (string Token, DateTimeOffset ExpiresAt) Create(string personId)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var expires = time.GetUtcNow() + options.Value.SessionLifetime;
        var hash = Hash(token);
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        connection.Execute("INSERT INTO sessions (token_hash, person_id, expires_at) VALUES (@hash, @personId, @expiresAt)",
            new { hash, personId, expiresAt = expires.ToUnixTimeMilliseconds() }, transaction);
        connection.Execute("DELETE FROM sessions WHERE expires_at < @now", new { now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction);
        transaction.Commit();
        _cache[hash] = (personId, expires.ToUnixTimeMilliseconds());
        return (token, expires);
    }

    /// <summary>The person a token belongs to, or null when it is unknown or expired.</summary>
    public string? Resolve(string token)
    {
        if (token.Length is < 20 or > 200)
        {
            return null;
        }

        var hash = Hash(token);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!_cache.TryGetValue(hash, out var entry))
        {
            using var connection = database.Open();
            var rows = connection.Query<(string PersonId, long ExpiresAt)>("SELECT person_id, expires_at FROM sessions WHERE token_hash = @hash", new { hash }).ToList();
            if (rows.Count == 0)
            {
                return null;
            }

            entry = rows[0];
            _cache[hash] = entry;
        }

        return entry.ExpiresAt > now ? entry.PersonId : null;
    }

    public void Revoke(string token)
    {
        var hash = Hash(token);
        _cache.TryRemove(hash, out _);
        using var connection = database.Open();
        connection.Execute("DELETE FROM sessions WHERE token_hash = @hash", new { hash });
    }

    /// <summary>Ends every session of a person (password change, removal).</summary>
    public void RevokeAll(string personId)
    {
        foreach (var (hash, entry) in _cache)
        {
            if (entry.PersonId == personId)
            {
                _cache.TryRemove(hash, out _);
            }
        }

        using var connection = database.Open();
        connection.Execute("DELETE FROM sessions WHERE person_id = @personId", new { personId });
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
