namespace SmartCommunity.TimeSeries.Points;

/// <summary>Timestamp precision of a write; the point's timestamp is truncated (towards the past) to it.</summary>
public enum WritePrecision
{
    Nanoseconds,
    Microseconds,
    Milliseconds,
    Seconds,
}
