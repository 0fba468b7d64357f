using System.Text.Json;
using SmartCommunity.Gateway.Broker;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Serialization;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.Alerts.Delivery;

/// <summary>
/// Publishes <see cref="PersonAlertMessage"/> to <c>sc/v1/person/{id}/alert</c> with QoS 1, not retained (a
/// retained alert would greet the terminal with a stale warning). A terminal with a persistent session
/// (clean start off) gets what was published while it was away, up to the broker's per-client queue.
/// The terminal confirms by acknowledging on <c>sc/v1/person/{id}/ack</c>; "published" here only means the
/// broker took it. While the broker is unreachable (external mode) the publish is retried with backoff.
/// </summary>
internal sealed class MqttAlertChannel(IDeviceBus bus, TimeProvider time) : IAlertChannel
{
    private const int Attempts = 5;

    public string Name => "mqtt";

    public int Concurrency => 2;

    public bool Reaches(AlertNotification notification) => true;

    public async Task<(string Outcome, string? Detail)> DeliverAsync(AlertNotification notification, Action<string, string?> report, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(ToMessage(notification), ProtocolJsonContext.Default.PersonAlertMessage);
        var topic = TopicScheme.PersonAlert(notification.Person.Id);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await bus.PublishAsync(topic, payload, qualityOfService: 1, retain: false, cancellationToken).ConfigureAwait(false);
                return ("published", null);
            }
            catch (BusUnavailableException ex) when (attempt < Attempts)
            {
                report("retrying", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Pow(2, attempt - 1)), time, cancellationToken).ConfigureAwait(false);
            }
            catch (BusUnavailableException ex)
            {
                return ("failed", ex.Message);
            }
        }
    }

    internal static PersonAlertMessage ToMessage(AlertNotification n) => new()
    {
        AlertId = n.Alert.Id,
        NotificationId = n.Id,
        Ts = n.At.ToUnixTimeMilliseconds(),
        Level = AlertNames.Of(n.Alert.Level),
        Type = n.Alert.Type,
        State = AlertNames.Of(n.Alert.State),
        TitleZh = n.Alert.Title.Zh,
        TitleEn = n.Alert.Title.En,
        Cell = n.Alert.CellId ?? "",
        Lat = n.Alert.Area?.Lat,
        Lon = n.Alert.Area?.Lon,
        Reason = n.Reason,
    };
}
