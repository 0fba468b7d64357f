using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Npgsql;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gateway.Live;
using SmartCommunity.Gateway.Operations;

namespace SmartCommunity.Gateway.Cluster;

/// <summary>
/// Live updates across gateways through PostgreSQL's own LISTEN/NOTIFY: every event a feature publishes on this
/// gateway's <see cref="LiveHub"/> is sent as a notification on <see cref="Channel"/>, and every notification from
/// another gateway is offered to this gateway's viewers, so a dashboard on node B sees what node A changed.
/// Best effort, like the live stream itself: while the database is unreachable events are not relayed (viewers
/// reload from the API when they reconnect). PostgreSQL limits a payload to 8 000 bytes; a larger event is not
/// relayed and is counted. Off outside cluster mode, and with SQLite.
/// </summary>
public sealed class ClusterLiveRelay : BackgroundService, IOptionalService
{
    /// <summary>The notification channel (PostgreSQL identifier).</summary>
    public const string Channel = "sc_live";

    private const int MaxPayloadBytes = 7_900;

    private readonly Database _database;
    private readonly LiveHub _hub;
    private readonly ClusterLeases _leases;
    private readonly ILogger<ClusterLiveRelay> _logger;
    private readonly Channel<LiveEvent> _outgoing = System.Threading.Channels.Channel.CreateBounded<LiveEvent>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly Counter _sent;
    private readonly Counter _received;
    private readonly Counter _dropped;

    public ClusterLiveRelay(Database database, LiveHub hub, ClusterLeases leases, MetricsRegistry metrics, ILogger<ClusterLiveRelay> logger)
    {
        _database = database;
        _hub = hub;
        _leases = leases;
        _logger = logger;
        _sent = metrics.Counter("sc_cluster_live_sent_total", "Live events sent to the other gateways (PostgreSQL NOTIFY).");
        _received = metrics.Counter("sc_cluster_live_received_total", "Live events received from other gateways.");
        _dropped = metrics.Counter("sc_cluster_live_dropped_total", "Live events not relayed (over the payload limit, or the database unreachable).");
        Active = leases.Enabled && database.Dialect.Provider == DatabaseProvider.PostgreSql;
        if (Active)
        {
            hub.Forward = e =>
            {
                if (!_outgoing.Writer.TryWrite(e))
                {
                    _dropped.Inc();
                }
            };
        }
    }

    public bool Active { get; }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Active ? Task.WhenAll(SendLoopAsync(stoppingToken), ListenLoopAsync(stoppingToken)) : Task.CompletedTask;

    private async Task SendLoopAsync(CancellationToken stoppingToken)
    {
        var reader = _outgoing.Reader;
        while (await WaitAsync(reader, stoppingToken))
        {
            try
            {
                await using var connection = await _database.OpenAsync(stoppingToken);
                while (reader.TryRead(out var e))
                {
                    var payload = JsonSerializer.Serialize(new RelayedEvent(_leases.Node, e.Topic, e.CellId, e.Json), ClusterJsonContext.Default.RelayedEvent);
                    if (System.Text.Encoding.UTF8.GetByteCount(payload) > MaxPayloadBytes)
                    {
                        _dropped.Inc();
                        continue;
                    }

                    await using var command = connection.CreateCommand();
                    command.CommandText = "SELECT pg_notify(@channel, @payload)";
                    command.Parameters.Add(new NpgsqlParameter("channel", Channel));
                    command.Parameters.Add(new NpgsqlParameter("payload", payload));
                    await command.ExecuteNonQueryAsync(stoppingToken);
                    _sent.Inc();
                }
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or TimeoutException or InvalidOperationException)
            {
                _dropped.Inc();
                _logger.LogWarning("Could not relay live events to the other gateways: {Error}", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ListenLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = (NpgsqlConnection)await _database.OpenAsync(stoppingToken);
                connection.Notification += (_, n) => Receive(n.Payload);
                await using (var listen = connection.CreateCommand())
                {
                    listen.CommandText = "LISTEN " + Channel;
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or TimeoutException or InvalidOperationException)
            {
                _logger.LogWarning("Live relay lost its LISTEN connection; reconnecting: {Error}", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void Receive(string payload)
    {
        RelayedEvent? e;
        try
        {
            e = JsonSerializer.Deserialize(payload, ClusterJsonContext.Default.RelayedEvent);
        }
        catch (JsonException)
        {
            _dropped.Inc(); // Not ours (someone else NOTIFYing on the channel): ignored.
            return;
        }

        if (e is null || e.Node == _leases.Node)
        {
            return; // Our own, already offered to our viewers.
        }

        _received.Inc();
        _hub.PublishRelayed(new LiveEvent(e.Topic, e.Cell, e.Json));
    }

    private static async Task<bool> WaitAsync(ChannelReader<LiveEvent> reader, CancellationToken stoppingToken)
    {
        try
        {
            return await reader.WaitToReadAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>A live event on the wire between gateways.</summary>
internal sealed record RelayedEvent(string Node, string Topic, string? Cell, string Json);

[JsonSerializable(typeof(RelayedEvent))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
