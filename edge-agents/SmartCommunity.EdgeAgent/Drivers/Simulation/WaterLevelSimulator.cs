using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.EdgeAgent.Drivers.Simulation;

/// <summary>Settings of <see cref="WaterLevelSimulator"/>.</summary>
public sealed class WaterLevelSimulatorSettings : SimulatorSettings
{
    public WaterLevelSimulatorSettings() => TelemetrySeconds = 10;

    /// <summary>Mean level, metres above the station datum. Default 1.20.</summary>
    public double BaseLevelM { get; set; } = 1.20;

    /// <summary>Half the daily swing, metres; highest around 18:00 local time. Default 0.15.</summary>
    public double DailyAmplitudeM { get; set; } = 0.15;

    /// <summary>Standard deviation of reading noise, metres. Default 0.005.</summary>
    public double NoiseM { get; set; } = 0.005;

    /// <summary>Steady rise from the start, metres per hour (e.g. a reservoir releasing upstream). Default 0.</summary>
    public double RiseRateMPerH { get; set; }

    /// <summary>Seconds after start when a scripted surge (a discharge wave arriving) begins; none when unset.</summary>
    public double? SurgeAfterSeconds { get; set; }

    /// <summary>How much the surge adds, metres. Default 1.5.</summary>
    public double SurgeRiseM { get; set; } = 1.5;

    /// <summary>How long the surge takes to reach its height, minutes; it then holds. Default 20.</summary>
    public double SurgeRiseMinutes { get; set; } = 20;

    /// <summary>Level that triggers a <c>threshold_report</c> event when crossed upwards, metres; none when unset.</summary>
    public double? ThresholdM { get; set; }

    /// <summary>Nominal flow at the base level, m³/s; flow is sent only when set. It scales with the level above datum.</summary>
    public double? BaseFlowM3s { get; set; }

    /// <summary>A scripted rise and fall on the scenario's <see cref="SimulatorSettings.Cycle"/>; replaces the daily curve, rise and surge.</summary>
    public LevelCurveSettings? Curve { get; set; }

    internal override void Check()
    {
        base.Check();
        if (SurgeRiseMinutes <= 0)
        {
            throw new InvalidOperationException("SurgeRiseMinutes must be positive.");
        }

        if (Curve is { } curve && (Cycle is null || curve.RiseSeconds <= 0 || curve.FallSeconds <= 0 || curve.FallAt < curve.RiseAt + curve.RiseSeconds))
        {
            throw new InvalidOperationException("Curve needs a Cycle, positive RiseSeconds and FallSeconds, and FallAt after the rise has ended.");
        }
    }
}

/// <summary>
/// A flood hydrograph in one cycle of the demo: <see cref="StartM"/> until <see cref="RiseAt"/>, up to
/// <see cref="PeakM"/> over <see cref="RiseSeconds"/> (half a cosine: slow, steep, slow, as a wave's front), held, and
/// down again from <see cref="FallAt"/> over <see cref="FallSeconds"/>. Times are scenario seconds of the active part.
/// </summary>
public sealed class LevelCurveSettings
{
    public double StartM { get; set; }

    public double PeakM { get; set; }

    public double RiseAt { get; set; }

    public double RiseSeconds { get; set; } = 60;

    public double FallAt { get; set; }

    public double FallSeconds { get; set; } = 60;

    /// <summary>The level at scenario second <paramref name="s"/> (negative during the calm).</summary>
    public double LevelAt(double s)
    {
        static double Ease(double x) => (1 - Math.Cos(Math.PI * Math.Clamp(x, 0, 1))) / 2;
        var up = Ease((s - RiseAt) / RiseSeconds);
        var down = Ease((s - FallAt) / FallSeconds);
        return StartM + ((PeakM - StartM) * (up - down));
    }
}

/// <summary>
/// A water-level station: level following a daily curve with noise, an optional steady rise
/// (<c>RiseRateMPerH</c>) and scripted surge, telemetry every <c>TelemetrySeconds</c>, and a
/// <c>threshold_report</c> event when the level crosses <c>ThresholdM</c> (re-armed 5 cm below it).
/// </summary>
public sealed class WaterLevelSimulator : SimulatorDriver<WaterLevelSimulatorSettings>
{
    public const string DriverName = "sim-water-level";

    protected override SimulationModel CreateModel(WaterLevelSimulatorSettings settings, Random random, DateTimeOffset start) =>
        new WaterLevelModel(settings, random, start);
}

/// <summary>The step function of <see cref="WaterLevelSimulator"/>.</summary>
public sealed class WaterLevelModel(WaterLevelSimulatorSettings settings, Random random, DateTimeOffset start) : SimulationModel(random, start)
{
    private const double ThresholdHysteresisM = 0.05;
    private readonly Demo.DemoCycle? _cycle = settings.Curve is null ? null : settings.Cycle?.ToCycle();
    private bool _aboveThreshold;

    public override TimeSpan Tick => TimeSpan.FromSeconds(settings.TelemetrySeconds);

    /// <summary>The level without noise at <paramref name="time"/>.</summary>
    public double TrueLevelAt(DateTimeOffset time)
    {
        if (_cycle is { } cycle && settings.Curve is { } curve)
        {
            return curve.LevelAt(cycle.ScenarioSeconds(time));
        }

        // Peaks at 18:00 local: sin is highest a quarter day after its zero crossing at 12:00.
        var daily = settings.DailyAmplitudeM * Math.Sin(2 * Math.PI * (LocalHours(time) - 12) / 24);
        var elapsedHours = (time - Start).TotalHours;
        var level = settings.BaseLevelM + daily + settings.RiseRateMPerH * elapsedHours;
        if (settings.SurgeAfterSeconds is { } after)
        {
            var intoSurge = (time - Start).TotalSeconds - after;
            if (intoSurge > 0)
            {
                level += settings.SurgeRiseM * Math.Min(1, intoSurge / (settings.SurgeRiseMinutes * 60));
            }
        }

        return level;
    }

    private double LocalHours(DateTimeOffset time) => time.ToOffset(TimeSpan.FromHours(settings.UtcOffsetHours)).TimeOfDay.TotalHours;

    public override IEnumerable<SimulatedMessage> Advance(DateTimeOffset now)
    {
        var level = Math.Round(TrueLevelAt(now) + Gaussian(settings.NoiseM), 3);
        var ts = now.ToUnixTimeMilliseconds();
        double? flow = settings.BaseFlowM3s is { } baseFlow && settings.BaseLevelM > 0
            ? Math.Round(Math.Max(0, baseFlow * Math.Pow(Math.Max(0, level) / settings.BaseLevelM, 1.5)), 2)
            : null;
        yield return new TelemetryMessage
        {
            Ts = ts,
            LevelM = level,
            FlowM3s = flow,
            BatteryV = Math.Round(12.6 + Gaussian(0.05), 2),
            SignalDbm = -70 + (int)Math.Round(Gaussian(3)),
            TemperatureC = Math.Round(18 + 4 * Math.Sin(2 * Math.PI * (LocalHours(now) - 9) / 24) + Gaussian(0.2), 1),
        };

        if (settings.ThresholdM is not { } threshold)
        {
            yield break;
        }

        if (!_aboveThreshold && level >= threshold)
        {
            _aboveThreshold = true;
            yield return new EventMessage
            {
                Ts = ts,
                Type = EventTypes.ThresholdReport,
                LevelM = level,
                Detail = $"Level {level:0.000} m reached the threshold of {threshold:0.000} m.",
            };
        }
        else if (_aboveThreshold && level < threshold - ThresholdHysteresisM)
        {
            _aboveThreshold = false;
        }
    }
}
