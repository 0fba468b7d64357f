using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.EdgeAgent.Drivers.Simulation;

/// <summary>One entry of a door unit's daily schedule: from <see cref="FromHour"/> (local) on, these rates apply.</summary>
public sealed class PassageRate
{
    /// <summary>Local hour of day (0–24, fractions allowed) from which this rate applies until the next entry.</summary>
    public double FromHour { get; set; }

    /// <summary>Mean passages inward per hour.</summary>
    public double InPerHour { get; set; }

    /// <summary>Mean passages outward per hour.</summary>
    public double OutPerHour { get; set; }
}

/// <summary>Settings of <see cref="DoorAccessSimulator"/>.</summary>
public sealed class DoorAccessSimulatorSettings : SimulatorSettings
{
    /// <summary>Door ID put in events. Default <c>main</c>.</summary>
    public string Door { get; set; } = "main";

    /// <summary>
    /// Passage rates by local hour. Default: a shelter that fills in the evening (18–22 h, 60 in/h) and empties in
    /// the morning (6–9 h, 50 out/h), with a trickle otherwise.
    /// </summary>
    public List<PassageRate> Schedule { get; set; } = [];

    /// <summary>Share of card presentations refused (<c>access_denied</c>). Default 0.03.</summary>
    public double DeniedRatio { get; set; } = 0.03;

    /// <summary>Mean <c>door_forced</c> alarms per day. Default 0.2.</summary>
    public double ForcedPerDay { get; set; } = 0.2;

    /// <summary>Mean <c>door_held</c> alarms per day. Default 0.5.</summary>
    public double HeldPerDay { get; set; } = 0.5;

    internal IReadOnlyList<PassageRate> EffectiveSchedule => Schedule.Count > 0
        ? [.. Schedule.OrderBy(r => r.FromHour)]
        :
        [
            new() { FromHour = 0, InPerHour = 2, OutPerHour = 1 },
            new() { FromHour = 6, InPerHour = 3, OutPerHour = 50 },
            new() { FromHour = 9, InPerHour = 6, OutPerHour = 6 },
            new() { FromHour = 18, InPerHour = 60, OutPerHour = 5 },
            new() { FromHour = 22, InPerHour = 5, OutPerHour = 2 },
        ];

    internal override void Check()
    {
        base.Check();
        if (Schedule.Any(r => r.FromHour is < 0 or > 24 || r.InPerHour < 0 || r.OutPerHour < 0))
        {
            throw new InvalidOperationException("Schedule entries need FromHour 0–24 and non-negative rates.");
        }

        if (DeniedRatio is < 0 or >= 1)
        {
            throw new InvalidOperationException("DeniedRatio must be at least 0 and below 1.");
        }
    }
}

/// <summary>
/// A door-access unit at a shelter: card presentations following a daily schedule, each granted (then a
/// <c>passage</c>) or occasionally denied; rare <c>door_forced</c> and <c>door_held</c> alarms; telemetry with
/// cumulative in/out counts every <c>TelemetrySeconds</c>.
/// </summary>
public sealed class DoorAccessSimulator : SimulatorDriver<DoorAccessSimulatorSettings>
{
    public const string DriverName = "sim-door-access";

    protected override SimulationModel CreateModel(DoorAccessSimulatorSettings settings, Random random, DateTimeOffset start) =>
        new DoorAccessModel(settings, random, start);
}

/// <summary>The step function of <see cref="DoorAccessSimulator"/>; steps every 5 s.</summary>
public sealed class DoorAccessModel(DoorAccessSimulatorSettings settings, Random random, DateTimeOffset start) : SimulationModel(random, start)
{
    private readonly IReadOnlyList<PassageRate> _schedule = settings.EffectiveSchedule;
    private DateTimeOffset _last = start;
    private DateTimeOffset _nextTelemetry = start;
    private long _in;
    private long _out;

    public override TimeSpan Tick => TimeSpan.FromSeconds(5);

    public PassageRate RateAt(DateTimeOffset time)
    {
        var hour = time.ToOffset(TimeSpan.FromHours(settings.UtcOffsetHours)).TimeOfDay.TotalHours;
        return _schedule.LastOrDefault(r => r.FromHour <= hour) ?? _schedule[^1];
    }

    public override IEnumerable<SimulatedMessage> Advance(DateTimeOffset now)
    {
        var hours = Math.Max(0, (now - _last).TotalHours);
        _last = now;
        var ts = now.ToUnixTimeMilliseconds();
        var rate = RateAt(now);

        for (var i = Poisson(rate.InPerHour * hours); i > 0; i--)
        {
            var card = "C" + Random.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (Random.NextDouble() < settings.DeniedRatio)
            {
                yield return new EventMessage { Ts = ts, Type = EventTypes.AccessDenied, Door = settings.Door, Card = card, Detail = "card not valid for this shelter" };
                continue;
            }

            _in++;
            yield return new EventMessage { Ts = ts, Type = EventTypes.AccessGranted, Door = settings.Door, Card = card };
            yield return new EventMessage { Ts = ts, Type = EventTypes.Passage, Door = settings.Door, Direction = EventTypes.DirectionIn, Count = 1 };
        }

        for (var i = Poisson(rate.OutPerHour * hours); i > 0; i--)
        {
            // Leaving needs no card (push-button exit), so only the passage is reported.
            _out++;
            yield return new EventMessage { Ts = ts, Type = EventTypes.Passage, Door = settings.Door, Direction = EventTypes.DirectionOut, Count = 1 };
        }

        if (Poisson(settings.ForcedPerDay * hours / 24) > 0)
        {
            yield return new EventMessage { Ts = ts, Type = EventTypes.DoorForced, Door = settings.Door, Detail = "door opened without a valid card or exit request" };
        }

        if (Poisson(settings.HeldPerDay * hours / 24) > 0)
        {
            yield return new EventMessage { Ts = ts, Type = EventTypes.DoorHeld, Door = settings.Door, Detail = "door held open longer than 30 s" };
        }

        if (now >= _nextTelemetry)
        {
            _nextTelemetry = now + TimeSpan.FromSeconds(settings.TelemetrySeconds);
            yield return new TelemetryMessage { Ts = ts, InTotal = _in, OutTotal = _out, TemperatureC = Math.Round(22 + Gaussian(0.3), 1) };
        }
    }
}
