using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Alerts.Engine;

namespace SmartCommunity.Gateway.Alerts.Delivery;

/// <summary>
/// Fans notifications out to every channel. Each channel has its own bounded queue and workers, so a channel
/// that is slow or down (a webhook receiver timing out, the external broker gone) never delays the others nor
/// the engine: when its queue is full the notification is dropped for that channel, counted and recorded.
/// At shutdown each channel gets a short grace to finish what is queued.
/// </summary>
internal sealed class AlertDispatcher : IHostedService, IDisposable
{
    private readonly (IAlertChannel Channel, Channel<AlertNotification> Queue)[] _channels;
    private readonly AlertMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertDispatcher> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _workers = [];

    public AlertDispatcher(IEnumerable<IAlertChannel> channels, AlertMetrics metrics, TimeProvider time, IOptions<AlertsOptions> options, ILogger<AlertDispatcher> logger)
    {
        _channels = channels.Select(c => (c, Channel.CreateBounded<AlertNotification>(new BoundedChannelOptions(options.Value.DeliveryQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
        }))).ToArray();
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Set by the engine: delivery outcomes go back to it to be written into the history.</summary>
    public Action<DeliveryReport>? Report { get; set; }

    /// <summary>Notifications waiting in all channel queues (benchmarks, tests).</summary>
    internal int Pending => _channels.Sum(c => c.Queue.Reader.Count);

    /// <summary>Called on the engine's loop only; never blocks.</summary>
    public void Dispatch(AlertNotification notification)
    {
        foreach (var (channel, queue) in _channels)
        {
            if (!channel.Reaches(notification))
            {
                continue;
            }

            if (queue.Writer.TryWrite(notification))
            {
                _metrics.Notification(channel.Name, "queued").Inc();
            }
            else
            {
                _metrics.Notification(channel.Name, "dropped").Inc();
                Send(notification, channel.Name, "dropped", "channel queue full");
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (channel, queue) in _channels)
        {
            for (var i = 0; i < channel.Concurrency; i++)
            {
                _workers.Add(Task.Run(() => WorkAsync(channel, queue.Reader), CancellationToken.None));
            }
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var (_, queue) in _channels)
        {
            queue.Writer.TryComplete();
        }

        // Grace for what is queued; then cancel retries in progress (they are counted as failed).
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(grace.Token, cancellationToken);
        try
        {
            await Task.WhenAll(_workers).WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(_workers).ConfigureAwait(false);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task WorkAsync(IAlertChannel channel, ChannelReader<AlertNotification> reader)
    {
        await foreach (var notification in reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            string outcome;
            string? detail;
            try
            {
                (outcome, detail) = await channel.DeliverAsync(notification, (o, d) =>
                {
                    _metrics.Notification(channel.Name, o).Inc();
                    Send(notification, channel.Name, o, d);
                }, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                (outcome, detail) = ("failed", "gateway stopping");
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Alert channel {Channel} failed on {Notification}", channel.Name, notification.Id);
                (outcome, detail) = ("failed", ex.GetType().Name + ": " + ex.Message);
            }

            _metrics.Notification(channel.Name, outcome).Inc();
            Send(notification, channel.Name, outcome, detail);
        }
    }

    private void Send(AlertNotification n, string channel, string outcome, string? detail) =>
        Report?.Invoke(new DeliveryReport(n.Alert.Id, n.Person.Id, channel, outcome, detail is null ? n.Id : $"{n.Id}: {detail}", _time.GetUtcNow()));
}
