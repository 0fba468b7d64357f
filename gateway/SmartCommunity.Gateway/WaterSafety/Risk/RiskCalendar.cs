using System.Globalization;

namespace SmartCommunity.Gateway.WaterSafety.Risk;

/// <summary>Parses and evaluates a spot's risk times: daily hours <c>"HH:mm-HH:mm"</c> and seasons <c>"MM-dd..MM-dd"</c>.</summary>
public static class RiskCalendar
{
    // Both parsers take null (a list in a body or seed may hold JSON null) and answer false: issue 19's fuzz run.
    public static bool TryParseHours(string? text, out TimeOnly from, out TimeOnly to)
    {
        from = to = default;
        if (text is null)
        {
            return false;
        }

        var parts = text.Split('-');
        return parts.Length == 2
            && TimeOnly.TryParseExact(parts[0].Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out from)
            && TimeOnly.TryParseExact(parts[1].Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out to);
    }

    public static bool TryParseSeason(string? text, out (int Month, int Day) from, out (int Month, int Day) to)
    {
        from = to = default;
        if (text is null)
        {
            return false;
        }

        var parts = text.Split("..");
        return parts.Length == 2 && TryParseMonthDay(parts[0], out from) && TryParseMonthDay(parts[1], out to);
    }

    /// <summary>Whether local time <paramref name="local"/> falls in any daily window (a window may cross midnight).</summary>
    public static bool InHours(IReadOnlyList<string>? hours, DateTime local)
    {
        var now = TimeOnly.FromDateTime(local);
        foreach (var text in hours ?? [])
        {
            if (TryParseHours(text, out var from, out var to) && (from <= to ? now >= from && now < to : now >= from || now < to))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the local date falls in any season (a season may cross the new year, e.g. winter holidays).</summary>
    public static bool InSeason(IReadOnlyList<string>? seasons, DateTime local)
    {
        var today = (local.Month * 100) + local.Day;
        foreach (var text in seasons ?? [])
        {
            if (TryParseSeason(text, out var from, out var to))
            {
                int a = (from.Month * 100) + from.Day, b = (to.Month * 100) + to.Day;
                if (a <= b ? today >= a && today <= b : today >= a || today <= b)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool TryParseMonthDay(string text, out (int Month, int Day) value)
    {
        value = default;
        var parts = text.Trim().Split('-');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var day)
            && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(2024, month))
        {
            value = (month, day);
            return true;
        }

        return false;
    }
}
