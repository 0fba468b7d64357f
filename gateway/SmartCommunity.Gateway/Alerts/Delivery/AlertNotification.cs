using SmartCommunity.Gateway.Grid;

namespace SmartCommunity.Gateway.Alerts.Delivery;

/// <summary>One alert to one person, as handed to every delivery channel after the change is stored.</summary>
/// <param name="Reason"><c>responsible</c>, <c>escalated</c> or <c>level_raised</c> (needs an acknowledgement); <c>cancelled</c>, <c>resolved</c>, <c>level_lowered</c> or <c>amended</c> (informs).</param>
public sealed record AlertNotification(string Id, Alert Alert, Person Person, string Reason, DateTimeOffset At);

/// <summary>What a channel did with a notification; recorded in the alert's history.</summary>
/// <param name="Outcome"><c>published</c>, <c>delivered</c>, <c>retrying</c>, <c>failed</c>, <c>dropped</c>.</param>
public sealed record DeliveryReport(string AlertId, string PersonId, string Channel, string Outcome, string? Detail, DateTimeOffset At);

/// <summary>The body of an outbound webhook POST.</summary>
public sealed record WebhookPayload(string NotificationId, string PersonId, string Reason, Alert Alert);

/// <summary>A way to reach people (MQTT terminal, webhook). Each channel has its own queue and workers.</summary>
public interface IAlertChannel
{
    /// <summary>Label in metrics and history: <c>mqtt</c>, <c>webhook</c>.</summary>
    string Name { get; }

    /// <summary>Parallel deliveries for this channel.</summary>
    int Concurrency { get; }

    /// <summary>Whether this person can be reached this way (e.g. has a webhook URL).</summary>
    bool Reaches(AlertNotification notification);

    /// <summary>Delivers one notification, retrying as the channel sees fit; reports attempts through <paramref name="report"/>. Returns the final outcome.</summary>
    Task<(string Outcome, string? Detail)> DeliverAsync(AlertNotification notification, Action<string, string?> report, CancellationToken cancellationToken);
}
