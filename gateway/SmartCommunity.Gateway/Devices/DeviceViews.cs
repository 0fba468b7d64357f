using SmartCommunity.Protocol.Identity;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.Devices;

public sealed record Gb28181View(string Region, string Province, string City, string County, string IndustryCode, string Industry, int TypeCode, string Type, int NetworkCode, string Network, string Serial)
{
    public static Gb28181View? From(Gb28181Id? id) => id is null ? null
        : new(id.Region, id.ProvinceCode, id.CityCode, id.CountyCode, id.IndustryCode, id.Industry, id.TypeCode, id.Type, id.NetworkCode, id.Network, id.Serial);
}

/// <summary>A device as the API shows it: registration, decoded GB/T 28181 code, and live state. Never the secret.</summary>
public sealed record DeviceView(
    string Id,
    string Kind,
    string Name,
    string? CellId,
    double? Lat,
    double? Lon,
    bool Enabled,
    IReadOnlyDictionary<string, string> Attributes,
    Gb28181View? Gb28181,
    bool Online,
    DateTimeOffset? LastSeen,
    long MessagesAccepted,
    long MessagesRejected,
    ClockSuspectView? ClockSuspect)
{
    public static DeviceView From(DeviceRuntime runtime)
    {
        var d = runtime.Device;
        return new DeviceView(d.Id, d.Kind.ToWireName(), d.Name, d.CellId, d.Lat, d.Lon, d.Enabled, d.Attributes, Gb28181View.From(d.Gb28181), runtime.Online,
            runtime.LastSeenUnixMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(runtime.LastSeenUnixMs) : null,
            runtime.MessagesAccepted, runtime.MessagesRejected, ClockSuspectView.From(runtime));
    }
}

/// <summary>
/// A device whose clock cannot be trusted (docs/protocol.md, "Device clocks"): how many messages were kept with the
/// receive time, the last time the device claimed and when that arrived, and since when its times look right again
/// (null while they do not). Null for a device whose clock never looked wrong since the gateway started.
/// </summary>
public sealed record ClockSuspectView(long Messages, DateTimeOffset LastDeviceTime, DateTimeOffset LastReceived, string Skew, DateTimeOffset? RightSince)
{
    public static ClockSuspectView? From(DeviceRuntime runtime)
    {
        var count = runtime.ClockSuspectCount;
        if (count == 0)
        {
            return null;
        }

        // Both were checked by the decoder to lie in 1970…9999, so the conversions cannot throw.
        var (deviceTs, receivedMs) = runtime.LastClockSuspect;
        var rightSince = runtime.ClockRightSinceMs;
        return new ClockSuspectView(count, DateTimeOffset.FromUnixTimeMilliseconds(deviceTs), DateTimeOffset.FromUnixTimeMilliseconds(receivedMs),
            SmartCommunity.Protocol.Validation.MessageDecoder.DescribeSkew(deviceTs, receivedMs), rightSince > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(rightSince) : null);
    }
}

/// <param name="Secret">Sets the device's secret (16–256 characters). For a new device without one, the gateway generates it.</param>
public sealed record DeviceRequest(string Kind, string Name, string? CellId, double? Lat, double? Lon, bool Enabled = true, IReadOnlyDictionary<string, string>? Attributes = null, string? Secret = null);

/// <summary>Answer to creating a device or rotating its secret: the only time the secret is shown.</summary>
public sealed record DeviceSecretResponse(DeviceView Device, string? Secret);
