using System.Text.Json;
using System.Text.Json.Serialization;
using SmartCommunity.Gateway.Alerts.Delivery;

namespace SmartCommunity.Gateway.Alerts.Engine;

/// <summary>Source-generated JSON for what the alerts feature stores and sends (alert bodies, webhooks, live events).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Alert))]
[JsonSerializable(typeof(AlertSilence))]
[JsonSerializable(typeof(WebhookPayload))]
[JsonSerializable(typeof(AlertLiveEvent))]
internal sealed partial class AlertsJsonContext : JsonSerializerContext;

/// <summary>What the live stream carries for an alert change: the change and the alert after it.</summary>
public sealed record AlertLiveEvent(string Change, Alert Alert);
