namespace SmartCommunity.Gateway.WaterSafety.Spots;

/// <summary>
/// A hazardous stretch of water (危险水域) a community watches: where it is, whose cell it is in, which river
/// reach it is on, when it is dangerous and which devices watch and warn there.
/// </summary>
public sealed record HazardousSpot(
    string Id,
    string Name,
    string CellId,
    double Lat,
    double Lon,
    string? ReachId,
    LevelThresholds Levels,
    RiseThresholds Rise,
    RiskTimes RiskTimes,
    SpotDevices Devices);

/// <summary>Water level (m, station datum) at which the spot is above normal, at warning and at danger (警戒/危险水位).</summary>
public sealed record LevelThresholds(double NormalM, double WarningM, double DangerM);

/// <summary>Rate of rise (m/h) that warns and that is dangerous.</summary>
public sealed record RiseThresholds(double WarningMPerHour, double DangerMPerHour);

/// <summary>
/// When people (children above all) come to the water: daily hours in local time (<c>"16:00-19:00"</c>, after
/// school), seasons as month-day ranges (<c>"07-01..08-31"</c>, summer holidays) and weekends.
/// </summary>
public sealed record RiskTimes(IReadOnlyList<string>? DailyHours, IReadOnlyList<string>? Seasons, bool Weekends);

/// <summary>A camera that watches the spot and the ID of the danger-zone polygon it reports in <c>zone_enter</c>.</summary>
public sealed record SpotCamera(string Id, string Zone);

/// <summary>The spot's devices. Loudspeakers get <c>play_voice</c>, sirens <c>siren</c>, signs <c>show_sign</c>.</summary>
public sealed record SpotDevices(
    string? LevelStation,
    IReadOnlyList<SpotCamera>? Cameras,
    IReadOnlyList<string>? Loudspeakers,
    IReadOnlyList<string>? Sirens,
    IReadOnlyList<string>? Signs);

/// <summary>Body of <c>PUT /api/water/spots/{id}</c> and of a seed entry (without the ID).</summary>
public sealed record SpotRequest(
    string? Name,
    string? CellId,
    double? Lat,
    double? Lon,
    string? ReachId,
    LevelThresholds? Levels,
    RiseThresholds? Rise,
    RiskTimes? RiskTimes,
    SpotDevices? Devices);
