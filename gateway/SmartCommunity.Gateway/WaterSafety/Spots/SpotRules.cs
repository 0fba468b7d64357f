using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.WaterSafety.Risk;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.WaterSafety.Spots;

/// <summary>Checks a spot request against the grid and the device registry; null when valid, else the reason.</summary>
public static class SpotRules
{
    /// <param name="deviceOf">Finds a registered device by ID (<see cref="DeviceRegistry.DeviceOf"/>).</param>
    public static string? Check(string id, SpotRequest request, GridSnapshot grid, Func<string, Device?> deviceOf, out HazardousSpot? spot)
    {
        spot = null;
        if (!TopicScheme.IsValidId(id))
        {
            return "Spot ID must be 1–64 letters, digits, '-' or '_'.";
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100)
        {
            return "Field 'name' must have 1–100 characters.";
        }

        if (request.ReachId is { } reach && !TopicScheme.IsValidId(reach))
        {
            return "Field 'reachId' must be 1–64 letters, digits, '-' or '_' (the reach's ID in the reservoir's plan).";
        }

        if (grid.Cell(request.CellId) is not { } cell)
        {
            return $"Cell '{request.CellId}' does not exist.";
        }

        var lat = request.Lat ?? cell.Lat;
        var lon = request.Lon ?? cell.Lon;
        if (lat is not (>= -90 and <= 90) || lon is not (>= -180 and <= 180))
        {
            return "Fields 'lat' and 'lon' must be a WGS-84 position (or the cell must have one).";
        }

        if (request.Levels is not { } levels || !(levels.NormalM < levels.WarningM && levels.WarningM < levels.DangerM) || levels.NormalM < -100 || levels.DangerM > 9000)
        {
            return "Field 'levels' needs normalM < warningM < dangerM, within −100 … 9 000 m.";
        }

        if (request.Rise is not { } rise || !(rise.WarningMPerHour > 0 && rise.WarningMPerHour < rise.DangerMPerHour && rise.DangerMPerHour <= 100))
        {
            return "Field 'rise' needs 0 < warningMPerHour < dangerMPerHour ≤ 100.";
        }

        var times = request.RiskTimes ?? new RiskTimes([], [], false);
        // Any() rather than FirstOrDefault(): a JSON null in the list is a bad entry too, not "none found".
        if ((times.DailyHours ?? []).Any(h => !RiskCalendar.TryParseHours(h, out _, out _)))
        {
            return $"Risk hours '{(times.DailyHours ?? []).First(h => !RiskCalendar.TryParseHours(h, out _, out _)) ?? "null"}' are not 'HH:mm-HH:mm'.";
        }

        if ((times.Seasons ?? []).Any(s => !RiskCalendar.TryParseSeason(s, out _, out _)))
        {
            return $"Season '{(times.Seasons ?? []).First(s => !RiskCalendar.TryParseSeason(s, out _, out _)) ?? "null"}' is not 'MM-dd..MM-dd'.";
        }

        var d = request.Devices ?? new SpotDevices(null, [], [], [], []);
        var error = (d.LevelStation is null ? null : Kind(deviceOf, d.LevelStation, DeviceKind.WaterLevelStation, "levelStation"))
            ?? (d.Cameras ?? []).Select(c => c is null ? "Field 'cameras' has a null entry." : string.IsNullOrWhiteSpace(c.Zone) || c.Zone.Length > 64 ? $"Camera '{c.Id}' needs a 'zone' (danger-zone polygon ID)." : Kind(deviceOf, c.Id, DeviceKind.Camera, "cameras")).FirstOrDefault(e => e is not null)
            ?? (d.Loudspeakers ?? []).Concat(d.Sirens ?? []).Concat(d.Signs ?? []).Select(w => Kind(deviceOf, w, DeviceKind.WarningDevice, "warning devices")).FirstOrDefault(e => e is not null);
        if (error is not null)
        {
            return error;
        }

        spot = new HazardousSpot(id, request.Name.Trim(), cell.Id, lat.Value, lon.Value, request.ReachId, levels, rise,
            new RiskTimes(times.DailyHours ?? [], times.Seasons ?? [], times.Weekends),
            new SpotDevices(d.LevelStation, d.Cameras ?? [], d.Loudspeakers ?? [], d.Sirens ?? [], d.Signs ?? []));
        return null;
    }

    // The ID may be null (a JSON null in a list, a camera without 'id'): a registry lookup of null would throw.
    private static string? Kind(Func<string, Device?> deviceOf, string? id, DeviceKind kind, string field) =>
        id is null ? $"Field '{field}' has an entry without a device ID."
        : deviceOf(id) is { } device
            ? device.Kind == kind ? null : $"Device '{id}' in '{field}' is a {device.Kind.ToWireName()}, not a {kind.ToWireName()}."
            : $"Device '{id}' in '{field}' is not registered.";
}
