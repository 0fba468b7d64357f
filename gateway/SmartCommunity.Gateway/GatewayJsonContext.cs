using System.Text.Json.Serialization;

namespace SmartCommunity.Gateway;

/// <summary>Source-generated JSON for what the gateway stores as JSON text in its database.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
