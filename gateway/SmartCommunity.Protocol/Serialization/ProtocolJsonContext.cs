using System.Text.Json.Serialization;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Protocol.Serialization;

/// <summary>
/// Source-generated JSON for every payload: snake_case names, nulls left out, numbers strictly typed
/// (a level sent as a string is a wrong type, not a level).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict,
    AllowTrailingCommas = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    MaxDepth = 8)]
[JsonSerializable(typeof(TelemetryMessage))]
[JsonSerializable(typeof(EventMessage))]
[JsonSerializable(typeof(StatusMessage))]
[JsonSerializable(typeof(CommandMessage))]
[JsonSerializable(typeof(CommandAckMessage))]
[JsonSerializable(typeof(PersonAlertMessage))]
[JsonSerializable(typeof(PersonAckMessage))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
