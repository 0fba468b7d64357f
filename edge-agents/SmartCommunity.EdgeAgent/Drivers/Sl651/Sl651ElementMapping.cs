using SmartCommunity.Protocol.Messages;
using SmartCommunity.Sl651.Framing;
using SmartCommunity.Sl651.Reports;

namespace SmartCommunity.EdgeAgent.Drivers.Sl651;

/// <summary>
/// Turns a report into protocol messages: one telemetry message per observation time (a 31 even-period report or a
/// second F0 F0 gives several), each field from the first listed element that has a value at that time. A 33 added
/// (threshold, 加报) report also gives a <c>threshold_report</c> event with the latest level.
/// </summary>
/// <param name="Level">Element identifiers tried in order for <c>level_m</c>.</param>
/// <param name="Flow">For <c>flow_m3s</c>.</param>
/// <param name="Rain">For <c>rain_mm</c>.</param>
/// <param name="Battery">For <c>battery_v</c>.</param>
public sealed record Sl651ElementMapping(int[] Level, int[] Flow, int[] Rain, int[] Battery)
{
    public Sl651Messages Map(Sl651Report report)
    {
        // Group by observation time, keeping the order in which times appear.
        var times = new List<DateTimeOffset>();
        var groups = new Dictionary<DateTimeOffset, List<Sl651ElementValue>>();
        foreach (var element in report.Elements)
        {
            var time = element.ObservationTime ?? report.ObservationTime ?? report.SendTime;
            if (!groups.TryGetValue(time, out var group))
            {
                groups[time] = group = [];
                times.Add(time);
            }

            group.Add(element);
        }

        var telemetry = new List<TelemetryMessage>(times.Count);
        var skipped = 0;
        foreach (var time in times)
        {
            var group = groups[time];
            var level = Pick(group, Level);
            var flow = Pick(group, Flow);

            // The protocol requires level_m or flow_m3s from a water-level station; a time with neither (only rain or
            // battery, or all "no data") is not a valid message.
            if (level is null && flow is null)
            {
                skipped++;
                continue;
            }

            telemetry.Add(new TelemetryMessage
            {
                Ts = time.ToUnixTimeMilliseconds(),
                LevelM = level,
                FlowM3s = flow,
                RainMm = Pick(group, Rain),
                BatteryV = Pick(group, Battery),
            });
        }

        EventMessage? threshold = null;
        if (report.FunctionCode == Sl651FunctionCode.AddedReport
            && telemetry.LastOrDefault(t => t.LevelM is not null) is { } latest)
        {
            threshold = new EventMessage { Type = EventTypes.ThresholdReport, Ts = latest.Ts, LevelM = latest.LevelM };
        }

        return new Sl651Messages(telemetry, threshold, skipped);
    }

    private static double? Pick(List<Sl651ElementValue> group, int[] identifiers)
    {
        foreach (var identifier in identifiers)
        {
            foreach (var element in group)
            {
                if (element.Identifier == identifier && element.Value is { } value)
                {
                    return (double)value;
                }
            }
        }

        return null;
    }
}

/// <summary>What one report became; <c>SkippedTimes</c> counts observation times with neither level nor flow.</summary>
public sealed record Sl651Messages(IReadOnlyList<TelemetryMessage> Telemetry, EventMessage? Threshold, int SkippedTimes);
