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

    /// <summary>A scripted fill and emptying on the scenario's <see cref="SimulatorSettings.Cycle"/>; replaces the schedule.</summary>
    public ShelterDrillSettings? Drill { get; set; }

    /// <summary>Scenario seconds of each cycle at which the door is forced (needs a <see cref="SimulatorSettings.Cycle"/>).</summary>
    public List<double> ForcedAt { get; set; } = [];

    internal bool Scripted => Cycle is not null && (Drill is not null || ForcedAt.Count > 0);

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

        if ((Drill is not null || ForcedAt.Count > 0) && Cycle is null)
        {
            throw new InvalidOperationException("Drill and ForcedAt need a Cycle.");
        }

        if (Drill is { } drill && (drill.People < 0 || drill.FillUntil <= drill.FillFrom || drill.EmptyUntil <= drill.EmptyFrom || drill.EmptyFrom < drill.FillUntil))
        {
            throw new InvalidOperationException("Drill needs People ≥ 0, FillFrom < FillUntil ≤ EmptyFrom < EmptyUntil.");
        }
    }
}

/// <summary>
/// A shelter drill in one cycle of the demo: <see cref="People"/> arrive evenly between <see cref="FillFrom"/> and
/// <see cref="FillUntil"/> and leave evenly between <see cref="EmptyFrom"/> and <see cref="EmptyUntil"/> (scenario
/// seconds), in groups as they come through the door between two steps of the unit.
/// </summary>
public sealed class ShelterDrillSettings
{
    public int People { get; set; }

    public double FillFrom { get; set; }

    public double FillUntil { get; set; }

    public double EmptyFrom { get; set; }

    public double EmptyUntil { get; set; }

    /// <summary>How many have come in (<paramref name="inward"/>) or gone out by scenario second <paramref name="s"/>.</summary>
    public int ByThen(double s, bool inward)
    {
        var (from, until) = inward ? (FillFrom, FillUntil) : (EmptyFrom, EmptyUntil);
        return (int)Math.Round(People * Math.Clamp((s - from) / (until - from), 0, 1));
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
    private readonly Demo.DemoCycle? _cycle = settings.Scripted ? settings.Cycle!.ToCycle() : null;
    private long _in;
    private long _out;
    private long _drillCycle = -1;
    private int _drillIn;
    private int _drillOut;
    private double _lastScenarioSeconds = double.NegativeInfinity;

    public override TimeSpan Tick => _cycle is null ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(1);

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
        if (_cycle is { } cycle)
        {
            foreach (var message in Scripted(cycle, now, ts))
            {
                yield return message;
            }

            yield break;
        }

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

    /// <summary>The drill's passages due by now (as groups), forced doors whose time has come, and telemetry.</summary>
    private IEnumerable<SimulatedMessage> Scripted(Demo.DemoCycle cycle, DateTimeOffset now, long ts)
    {
        var number = cycle.CycleNumber(now);
        var s = cycle.ScenarioSeconds(now);
        if (number != _drillCycle)
        {
            (_drillCycle, _drillIn, _drillOut, _lastScenarioSeconds) = (number, 0, 0, double.NegativeInfinity);
        }

        if (settings.Drill is { } drill)
        {
            var arrived = drill.ByThen(s, inward: true) - _drillIn;
            if (arrived > 0)
            {
                _drillIn += arrived;
                _in += arrived;
                var card = "C" + Random.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
                yield return new EventMessage { Ts = ts, Type = EventTypes.AccessGranted, Door = settings.Door, Card = card };
                yield return new EventMessage { Ts = ts, Type = EventTypes.Passage, Door = settings.Door, Direction = EventTypes.DirectionIn, Count = arrived };
            }

            var left = drill.ByThen(s, inward: false) - _drillOut;
            if (left > 0)
            {
                _drillOut += left;
                _out += left;
                yield return new EventMessage { Ts = ts, Type = EventTypes.Passage, Door = settings.Door, Direction = EventTypes.DirectionOut, Count = left };
            }
        }

        if (settings.ForcedAt.Any(at => at > _lastScenarioSeconds && at <= s))
        {
            yield return new EventMessage { Ts = ts, Type = EventTypes.DoorForced, Door = settings.Door, Detail = "door opened without a valid card or exit request" };
        }

        _lastScenarioSeconds = s;
        if (now >= _nextTelemetry)
        {
            _nextTelemetry = now + TimeSpan.FromSeconds(settings.TelemetrySeconds);
            yield return new TelemetryMessage { Ts = ts, InTotal = _in, OutTotal = _out, TemperatureC = Math.Round(22 + Gaussian(0.3), 1) };
        }
    }
}
