using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.Shelters;

/// <summary>Checks a shelter request against the grid, the device registry and the other shelters; null when valid, else the reason.</summary>
public static class ShelterRules
{
    public const int MaxEntrances = 32;
    public const int MaxSourcesPerEntrance = 8;
    public const double MaxAreaM2 = 10_000_000; // 10 km²: far beyond any real shelter, below anything absurd.
    public const int MaxCapacity = 1_000_000;

    public static string? Check(string id, ShelterRequest? request, ShelterContext context, out Shelter? shelter)
    {
        shelter = null;
        if (!TopicScheme.IsValidId(id))
        {
            return "Shelter ID must be 1–64 letters, digits, '-' or '_'.";
        }

        if (request is null)
        {
            return "A JSON body is required.";
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100)
        {
            return "Field 'name' must have 1–100 characters.";
        }

        if (request.Class is not { } shelterClass || !Enum.IsDefined(shelterClass))
        {
            return "Field 'class' must be 'emergency' (紧急), 'fixed' (固定) or 'central' (中心).";
        }

        if (request.Duration is not { } duration || !Enum.IsDefined(duration))
        {
            return "Field 'duration' must be 'I' (≥ 30 days), 'II' (10–30 days) or 'III' (under 10 days).";
        }

        if (context.Grid.Cell(request.CellId) is not { } cell)
        {
            return $"Cell '{Clip(request.CellId)}' does not exist.";
        }

        var lat = request.Lat ?? cell.Lat;
        var lon = request.Lon ?? cell.Lon;
        if (lat is not (>= -90 and <= 90) || lon is not (>= -180 and <= 180))
        {
            return "Fields 'lat' and 'lon' must be a WGS-84 position (or the cell must have one).";
        }

        if (request.EffectiveAreaM2 is not { } area || !(area is > 0 and <= MaxAreaM2))
        {
            return $"Field 'effectiveAreaM2' must be above 0 and at most {MaxAreaM2:0} m².";
        }

        var perPerson = request.AreaPerPersonM2 ?? context.AreaPerPerson.For(shelterClass);
        if (!(perPerson is >= 0.1 and <= 100))
        {
            return "Field 'areaPerPersonM2' must be 0.1–100 m².";
        }

        if (request.Capacity is < 0 or > MaxCapacity)
        {
            return $"Field 'capacity' must be 0–{MaxCapacity} (leave it out to derive it from the area).";
        }

        var derived = Math.Floor(area / perPerson);
        var capacity = request.Capacity ?? (int)Math.Min(derived, MaxCapacity);

        var entrances = new List<Entrance>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entranceRequest in request.Entrances ?? [])
        {
            if (CheckEntrance(id, entranceRequest, context, seen, out var entrance) is { } error)
            {
                return error;
            }

            entrances.Add(entrance!);
        }

        if (entrances.Count > MaxEntrances)
        {
            return $"At most {MaxEntrances} entrances.";
        }

        if (entrances.Select(e => e.Id).Distinct(StringComparer.Ordinal).Count() != entrances.Count)
        {
            return "Entrance IDs must be unique within the shelter.";
        }

        var existing = context.Existing;
        var open = existing?.Open ?? request.Open ?? false;
        shelter = new Shelter(id, request.Name.Trim(), shelterClass, duration, area, perPerson, request.Capacity, capacity, lat.Value, lon.Value, cell.Id,
            entrances, open, existing?.OpenChangedAt, existing?.OpenChangedBy);
        return null;
    }

    private static string? CheckEntrance(string shelterId, EntranceRequest? request, ShelterContext context, HashSet<string> seen, out Entrance? entrance)
    {
        entrance = null;
        if (request is null || !TopicScheme.IsValidId(request.Id ?? ""))
        {
            return "Every entrance needs an 'id' of 1–64 letters, digits, '-' or '_'.";
        }

        var name = string.IsNullOrWhiteSpace(request.Name) ? request.Id! : request.Name.Trim();
        if (name.Length > 100)
        {
            return $"Entrance '{request.Id}': 'name' must have at most 100 characters.";
        }

        var sources = request.Sources ?? [];
        if (sources.Count is 0 or > MaxSourcesPerEntrance)
        {
            return $"Entrance '{request.Id}' needs 1–{MaxSourcesPerEntrance} counting sources (the first is the primary).";
        }

        var list = new List<CountingSource>();
        foreach (var s in sources)
        {
            if (CheckSource(request.Id!, s, context.DeviceOf, out var source) is { } error)
            {
                return error;
            }

            if (!seen.Add(source!.Key) || context.OwnerOf(source) is { } owner && owner != shelterId)
            {
                return $"Entrance '{request.Id}': source {source.Key} already counts for another entrance.";
            }

            list.Add(source);
        }

        entrance = new Entrance(request.Id!, name, list);
        return null;
    }

    private static string? CheckSource(string entranceId, SourceRequest? s, Func<string, Device?> deviceOf, out CountingSource? source)
    {
        source = null;
        if (s is null || !TopicScheme.IsValidId(s.Device ?? ""))
        {
            return $"Entrance '{entranceId}': every source needs a 'device' ID.";
        }

        if (deviceOf(s.Device!) is not { } device)
        {
            return $"Entrance '{entranceId}': device '{s.Device}' is not registered.";
        }

        if (s.Door is { Length: 0 or > 64 } || s.Line is { Length: 0 or > 64 })
        {
            return $"Entrance '{entranceId}': 'door' and 'line' must have 1–64 characters.";
        }

        switch (device.Kind)
        {
            case DeviceKind.DoorAccess when s.Line is null:
                source = new CountingSource(device.Id, s.Door, null, s.Reversed ?? false);
                return null;
            case DeviceKind.Camera when s.Line is not null && s.Door is null:
                source = new CountingSource(device.Id, null, s.Line, s.Reversed ?? false);
                return null;
            case DeviceKind.Camera:
                return $"Entrance '{entranceId}': camera '{s.Device}' needs a counting 'line' (and no 'door').";
            case DeviceKind.DoorAccess:
                return $"Entrance '{entranceId}': door unit '{s.Device}' takes a 'door', not a 'line'.";
            default:
                return $"Entrance '{entranceId}': device '{s.Device}' is a {device.Kind.ToWireName()}; only door units and cameras count people.";
        }
    }

    private static string Clip(string? text) => text is null ? "" : text.Length > 64 ? text[..64] + "…" : text;
}

/// <summary>What <see cref="ShelterRules"/> checks against: <paramref name="DeviceOf"/> finds a registered device by ID (<see cref="DeviceRegistry.DeviceOf"/>).</summary>
public sealed record ShelterContext(GridSnapshot Grid, Func<string, Device?> DeviceOf, AreaPerPersonOptions AreaPerPerson, Shelter? Existing, Func<CountingSource, string?> OwnerOf);
