using SmartCommunity.Protocol.Identity;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.Devices;

/// <summary>A registered device. Its secret is stored only as a hash (<see cref="Infrastructure.Security.SecretHasher"/>).</summary>
/// <param name="Attributes">Kind-specific settings as text pairs (e.g. a camera's stream URL), shown to staff.</param>
public sealed record Device(
    string Id,
    DeviceKind Kind,
    string Name,
    string? CellId,
    double? Lat,
    double? Lon,
    bool Enabled,
    IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>The decoded GB/T 28181 code when the ID is one, else null.</summary>
    public Gb28181Id? Gb28181 => Gb28181Id.LooksLikeGb28181(Id) && Gb28181Id.TryParse(Id, out var code, out _) ? code : null;
}
