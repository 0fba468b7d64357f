using System.Globalization;
using System.Text;
using Dapper;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Cluster;

/// <summary>One reliable message's protocol identity, (device, boot, seq), as the ingest worker claims it.</summary>
internal readonly record struct SequenceKey(string Device, long Boot, long Seq, bool Replayed);

/// <summary>
/// Per-device de-duplication shared by the gateways of a cluster. A shared subscription spreads a device's messages
/// over the gateways, so a window in one gateway's memory sees only part of its sequence: a repeat routed to another
/// gateway passes (lost de-duplication) and a redelivered message older than that gateway's window is refused (a false
/// duplicate). Here the database decides instead: each event and command acknowledgement is claimed under its
/// identity in <c>ingest_seen</c> (primary key device, boot, seq) by one multi-row
/// <c>INSERT … ON CONFLICT DO NOTHING RETURNING</c> per worker batch, and only the rows this statement inserted are
/// handled. The unique key is the whole protocol: whichever gateway inserts first handles the message, on any
/// gateway. Off outside cluster mode, where the in-memory window alone decides as before.
/// </summary>
public sealed class ClusterSequenceClaims
{
    /// <summary>Rows per statement: 4 parameters a row, well under both engines' parameter limits.</summary>
    internal const int MaxBatch = 200;

    /// <summary>How long a claim is kept; a repeat later than this is handled again (the in-memory window keeps 256 numbers).</summary>
    internal static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    private readonly Database _database;
    private readonly ClusterLeases _leases;
    private readonly TimeProvider _time;
    private readonly ILogger<ClusterSequenceClaims> _logger;
    private readonly Counter _claimed;
    private readonly Counter _duplicates;
    private readonly Counter _unavailable;
    private long _retryAt;

    public ClusterSequenceClaims(Database database, ClusterLeases leases, TimeProvider time, MetricsRegistry metrics, ILogger<ClusterSequenceClaims> logger)
    {
        _database = database;
        _leases = leases;
        _time = time;
        _logger = logger;
        _unavailable = metrics.Counter("sc_cluster_sequence_unavailable_total",
            "Events and acknowledgements de-duplicated by this gateway's own window because the shared table could not be reached.");
        _claimed = metrics.Counter("sc_cluster_sequence_claimed_total", "Events and acknowledgements this gateway claimed first in the shared de-duplication table.");
        _duplicates = metrics.Counter("sc_cluster_sequence_duplicates_total",
            "Events and acknowledgements the shared de-duplication table had already seen (on this gateway or another).");
    }

    /// <summary>Whether the gateways share the de-duplication table (cluster mode).</summary>
    public bool Enabled => _leases.Enabled;

    /// <summary>
    /// <see cref="ClaimAsync"/>, or false when the database cannot be reached (then, and for the next 5 s without
    /// asking, the caller falls back to the device's in-memory window: people must still hear of an alarm, and a
    /// worker waiting for a connection timeout on every batch would hold up every device behind it). Counted and logged.
    /// </summary>
    internal async Task<bool> TryClaimAsync(IReadOnlyList<SequenceKey> keys, bool[] admitted)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (now < Volatile.Read(ref _retryAt))
        {
            _unavailable.Add(keys.Count);
            return false;
        }

        try
        {
            // Not cancelled by the stop: the workers drain their queues through here before they exit.
            await ClaimAsync(keys, admitted, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or TimeoutException or InvalidOperationException)
        {
            Volatile.Write(ref _retryAt, now + 5_000);
            _unavailable.Add(keys.Count);
            _logger.LogWarning("Shared de-duplication unavailable; each gateway's own sequence window decides for 5 s: {Error}", ex.Message);
            return false;
        }
    }

    /// <summary>
    /// Claims every key; <paramref name="admitted"/>[i] is true for the keys no gateway had claimed before (the first
    /// of repeats within the batch only). A replayed key (this gateway's own journal after a crash) is admitted also when
    /// this gateway claimed it before the crash: its effects may not have been stored, and the stores that replay
    /// reaches are idempotent on the same identity. Throws the database's exception when it cannot be reached.
    /// </summary>
    internal async Task ClaimAsync(IReadOnlyList<SequenceKey> keys, bool[] admitted, CancellationToken cancellationToken)
    {
        Array.Clear(admitted, 0, keys.Count);
        var first = new Dictionary<(string, long, long), int>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            first.TryAdd((keys[i].Device, keys[i].Boot, keys[i].Seq), i);
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        var at = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var chunk in first.Chunk(MaxBatch))
        {
            var sql = new StringBuilder("INSERT INTO ingest_seen (device_id, boot, seq, node, seen_at) VALUES ");
            var parameters = new DynamicParameters(new { node = _leases.Node, at });
            for (var r = 0; r < chunk.Length; r++)
            {
                var n = r.ToString(CultureInfo.InvariantCulture);
                sql.Append(r == 0 ? "" : ", ").Append("(@d").Append(n).Append(", @b").Append(n).Append(", @s").Append(n).Append(", @node, @at)");
                parameters.Add("d" + n, chunk[r].Key.Item1);
                parameters.Add("b" + n, chunk[r].Key.Item2);
                parameters.Add("s" + n, chunk[r].Key.Item3);
            }

            sql.Append(" ON CONFLICT (device_id, boot, seq) DO NOTHING RETURNING device_id, boot, seq");
            var inserted = await connection.QueryAsync<(string Device, long Boot, long Seq)>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken));
            foreach (var row in inserted)
            {
                admitted[first[(row.Device, row.Boot, row.Seq)]] = true;
            }

            foreach (var (key, index) in chunk)
            {
                if (!admitted[index] && keys[index].Replayed)
                {
                    admitted[index] = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                        "SELECT count(*) FROM ingest_seen WHERE device_id = @device AND boot = @boot AND seq = @seq AND node = @node",
                        new { device = key.Item1, boot = key.Item2, seq = key.Item3, node = _leases.Node }, cancellationToken: cancellationToken)) == 1;
                }
            }
        }

        var claimed = 0;
        for (var i = 0; i < keys.Count; i++)
        {
            claimed += admitted[i] ? 1 : 0;
        }

        _claimed.Add(claimed);
        _duplicates.Add(keys.Count - claimed);
    }
}
