using System.Text.Json.Serialization;

namespace SmartCommunity.Gateway.Grid;

/// <summary>Levels of the grid hierarchy (网格化管理): 社区 community → 小区 compound → 楼栋 building → 单元 unit.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CellLevel>))]
public enum CellLevel
{
    Community,
    Compound,
    Building,
    Unit,
}

/// <summary>A grid cell: the place something happens and the people responsible for it.</summary>
/// <param name="Lat">WGS-84 latitude of the cell's centre, for the site plan and CAP areas.</param>
public sealed record GridCell(string Id, string? ParentId, CellLevel Level, string Name, double? Lat, double? Lon);

/// <summary>
/// Where a person stands in the escalation chain of the cells they are responsible for:
/// 网格员 guard first, then 网格长 grid chief, then 社区 community staff, then the emergency and public-security staff.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<Duty>))]
public enum Duty
{
    Guard = 0,
    GridChief = 1,
    Community = 2,
    Staff = 3,
}

/// <summary>
/// A person who uses the gateway: logs in with a role, may be responsible for grid cells, and may have a
/// terminal (MQTT topic <c>sc/v1/person/{id}/alert</c>) and a webhook for alerts.
/// </summary>
public sealed record Person(
    string Id,
    string Name,
    string Role,
    Duty Duty,
    IReadOnlyList<string> Cells,
    string? Phone,
    string? WebhookUrl,
    bool Enabled);
