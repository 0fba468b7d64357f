namespace SmartCommunity.Gateway.Alerts;

/// <summary>Lower-case names used in storage, MQTT and CAP parameters.</summary>
public static class AlertNames
{
    public static string Of(AlertLevel level) => level switch
    {
        AlertLevel.Red => "red",
        AlertLevel.Orange => "orange",
        AlertLevel.Yellow => "yellow",
        _ => "blue",
    };

    public static string Of(AlertState state) => state switch
    {
        AlertState.Raised => "raised",
        AlertState.Acknowledged => "acknowledged",
        AlertState.Resolved => "resolved",
        _ => "cancelled",
    };

    /// <summary>Accepts the colour or the Roman level (I red … IV blue), any case.</summary>
    public static AlertLevel? ParseLevel(string text) => text.Trim().ToUpperInvariant() switch
    {
        "RED" or "I" => AlertLevel.Red,
        "ORANGE" or "II" => AlertLevel.Orange,
        "YELLOW" or "III" => AlertLevel.Yellow,
        "BLUE" or "IV" => AlertLevel.Blue,
        _ => null,
    };

    public static AlertState? ParseState(string text) => text.Trim().ToUpperInvariant() switch
    {
        "RAISED" => AlertState.Raised,
        "ACKNOWLEDGED" => AlertState.Acknowledged,
        "RESOLVED" => AlertState.Resolved,
        "CANCELLED" => AlertState.Cancelled,
        _ => null,
    };
}
