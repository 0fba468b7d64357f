using SmartCommunity.Gateway.Grid;
using SmartCommunity.Protocol.Identity;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.Devices;

/// <summary>Validation of a device registration; returns an error text or null.</summary>
internal static class DeviceRules
{
    public const int MaxAttributes = 32;

    public static string? Check(string id, DeviceRequest request, GridSnapshot grid, out Device? device)
    {
        device = null;
        if (!TopicScheme.IsValidId(id))
        {
            return "Device id must be 1–64 letters, digits, '-' or '_'.";
        }

        Gb28181Id? code = null;
        if (Gb28181Id.IsMeantAsGb28181(id) && !Gb28181Id.TryParse(id, out code, out var gbError))
        {
            return "Device id looks like a GB/T 28181 code but is not valid: " + gbError;
        }

        if (!DeviceKinds.TryParse(request.Kind, out var kind))
        {
            return $"Kind must be one of {string.Join(", ", DeviceKinds.WireNames)}.";
        }

        if (kind == DeviceKind.Camera && code is { CarriesVideo: false })
        {
            return $"GB/T 28181 type code {code.TypeCode} ({code.Type}) does not carry video, so it cannot be kind 'camera'.";
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200)
        {
            return "Name is required (at most 200 characters).";
        }

        if (request.CellId is not null && grid.Cell(request.CellId) is null)
        {
            return $"Cell '{request.CellId}' does not exist.";
        }

        if (request.Lat is { } lat && !(lat >= -90 && lat <= 90) || request.Lon is { } lon && !(lon >= -180 && lon <= 180))
        {
            return "Coordinates must be WGS-84 latitude -90..90 and longitude -180..180.";
        }

        if (request.Secret is { } secret && secret.Length is < 16 or > 256)
        {
            return "Secret must have 16–256 characters.";
        }

        var attributes = request.Attributes ?? new Dictionary<string, string>();
        if (attributes.Count > MaxAttributes || attributes.Any(a => a.Key.Length is 0 or > 64 || a.Value is null || a.Value.Length > 2048))
        {
            return $"At most {MaxAttributes} attributes, keys 1–64 and values up to 2 048 characters.";
        }

        device = new Device(id, kind, request.Name, request.CellId, request.Lat, request.Lon, request.Enabled, new Dictionary<string, string>(attributes));
        return null;
    }
}
