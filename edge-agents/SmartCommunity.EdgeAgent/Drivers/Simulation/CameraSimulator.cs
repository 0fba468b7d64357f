using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.EdgeAgent.Drivers.Simulation;

/// <summary>Settings of <see cref="CameraSimulator"/>.</summary>
public sealed class CameraSimulatorSettings : SimulatorSettings
{
    /// <summary>Mean motion episodes per hour. Default 6.</summary>
    public double MotionPerHour { get; set; } = 6;

    /// <summary>Danger-water zones (electronic fences) a person may enter. Default <c>["riverbank"]</c>.</summary>
    public List<string> Zones { get; set; } = [];

    /// <summary>Counting lines a person may cross. Default <c>["footbridge"]</c>.</summary>
    public List<string> Lines { get; set; } = [];

    /// <summary>Share of episodes in which a person enters a zone. Default 0.3.</summary>
    public double ZoneEntryRatio { get; set; } = 0.3;

    /// <summary>Share of episodes in which a person crosses a line. Default 0.5.</summary>
    public double LineCrossRatio { get; set; } = 0.5;

    /// <summary>Nominal stream frame rate. Default 25.</summary>
    public double Fps { get; set; } = 25;

    /// <summary>Nominal stream bitrate, kbit/s. Default 2048.</summary>
    public double BitrateKbps { get; set; } = 2048;

    internal IReadOnlyList<string> EffectiveZones => Zones.Count > 0 ? Zones : ["riverbank"];

    internal IReadOnlyList<string> EffectiveLines => Lines.Count > 0 ? Lines : ["footbridge"];

    internal override void Check()
    {
        base.Check();
        if (ZoneEntryRatio is < 0 or > 1 || LineCrossRatio is < 0 or > 1 || MotionPerHour < 0)
        {
            throw new InvalidOperationException("ZoneEntryRatio and LineCrossRatio must be 0–1, MotionPerHour not negative.");
        }
    }
}

/// <summary>
/// A 雪亮 camera with on-board analytics: motion episodes (<c>motion_start</c> … <c>motion_end</c>), within which a
/// tracked person may enter and leave a danger zone and cross a counting line in either direction; health telemetry
/// (fps, bitrate) every <c>TelemetrySeconds</c>.
/// </summary>
public sealed class CameraSimulator : SimulatorDriver<CameraSimulatorSettings>
{
    public const string DriverName = "sim-camera";

    protected override SimulationModel CreateModel(CameraSimulatorSettings settings, Random random, DateTimeOffset start) =>
        new CameraModel(settings, random, start);
}

/// <summary>The step function of <see cref="CameraSimulator"/>; steps every second.</summary>
public sealed class CameraModel(CameraSimulatorSettings settings, Random random, DateTimeOffset start) : SimulationModel(random, start)
{
    private readonly List<(DateTimeOffset At, EventMessage Event)> _scheduled = [];
    private DateTimeOffset _last = start;
    private DateTimeOffset _nextTelemetry = start;
    private long _nextTrack = 1;

    public override TimeSpan Tick => TimeSpan.FromSeconds(1);

    public override IEnumerable<SimulatedMessage> Advance(DateTimeOffset now)
    {
        var hours = Math.Max(0, (now - _last).TotalHours);
        _last = now;
        if (_scheduled.Count == 0 && Poisson(settings.MotionPerHour * hours) > 0)
        {
            ScheduleEpisode(now);
        }

        // Episode events are due in time order; emit those whose time has come.
        while (_scheduled.Count > 0 && _scheduled[0].At <= now)
        {
            yield return _scheduled[0].Event;
            _scheduled.RemoveAt(0);
        }

        if (now >= _nextTelemetry)
        {
            _nextTelemetry = now + TimeSpan.FromSeconds(settings.TelemetrySeconds);
            yield return new TelemetryMessage
            {
                Ts = now.ToUnixTimeMilliseconds(),
                Fps = Math.Round(Math.Max(0, settings.Fps + Gaussian(0.3)), 1),
                BitrateKbps = Math.Round(Math.Max(0, settings.BitrateKbps * (1 + Gaussian(0.05)))),
                TemperatureC = Math.Round(35 + Gaussian(1), 1),
            };
        }
    }

    private void ScheduleEpisode(DateTimeOffset start)
    {
        var length = TimeSpan.FromSeconds(Random.Next(10, 120));
        var track = _nextTrack++;
        var confidence = Math.Round(0.6 + Random.NextDouble() * 0.39, 2);
        Add(start, new EventMessage { Type = EventTypes.MotionStart });
        if (Random.NextDouble() < settings.ZoneEntryRatio)
        {
            var zone = settings.EffectiveZones[Random.Next(settings.EffectiveZones.Count)];
            var enter = start + length * (0.1 + Random.NextDouble() * 0.3);
            var leave = enter + (start + length * 0.9 - enter) * Random.NextDouble();
            Add(enter, new EventMessage { Type = EventTypes.ZoneEnter, Zone = zone, Track = track, Label = "person", Confidence = confidence });
            Add(leave, new EventMessage { Type = EventTypes.ZoneLeave, Zone = zone, Track = track, Label = "person", Confidence = confidence });
        }

        if (Random.NextDouble() < settings.LineCrossRatio)
        {
            var line = settings.EffectiveLines[Random.Next(settings.EffectiveLines.Count)];
            var direction = Random.NextDouble() < 0.5 ? EventTypes.DirectionIn : EventTypes.DirectionOut;
            Add(start + length * (0.2 + Random.NextDouble() * 0.6), new EventMessage
            {
                Type = EventTypes.LineCross, Line = line, Direction = direction, Count = 1, Track = track, Label = "person", Confidence = confidence,
            });
        }

        Add(start + length, new EventMessage { Type = EventTypes.MotionEnd });
        _scheduled.Sort((a, b) => a.At.CompareTo(b.At));
    }

    private void Add(DateTimeOffset at, EventMessage evt) => _scheduled.Add((at, evt with { Ts = at.ToUnixTimeMilliseconds() }));
}
