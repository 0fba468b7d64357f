using System.ComponentModel.DataAnnotations;

namespace SmartCommunity.Gateway.WaterSafety;

/// <summary>Section <c>WaterSafety</c>. Every default is stated here.</summary>
public sealed class WaterSafetyOptions : IValidatableObject
{
    public const string Section = "WaterSafety";

    /// <summary>Window of the rise-rate estimate. Default 30 minutes.</summary>
    [Range(typeof(TimeSpan), "00:02:00", "06:00:00")]
    public TimeSpan RiseWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Readings the window needs before a rise rate is reported. Default 5.</summary>
    [Range(2, 1000)]
    public int RiseMinSamples { get; set; } = 5;

    /// <summary>
    /// Time the window's readings must span before a rise rate is reported. Default 10 minutes. A rate taken over
    /// less is mostly the gauge's noise: 2 mm of noise on readings 30 s apart is ±0.3 m/h, a warning rate.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "06:00:00")]
    public TimeSpan RiseMinSpan { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Readings kept per station at most (bounds memory and the O(n²) pairs). Default 180.</summary>
    [Range(10, 2000)]
    public int MaxSamplesPerStation { get; set; } = 180;

    /// <summary>A spot's level station that sends nothing for this long raises a device alert. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "1.00:00:00")]
    public TimeSpan StationSilence { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A command a device has not acknowledged in this time raises an alert of its own. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CommandAckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a lower risk must hold before the level falls. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RiskHoldDown { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Share of the warning–danger band (and of rise thresholds) the level must fall below a threshold by to count as lower. Default 0.1.</summary>
    [Range(0.0, 0.9)]
    public double HysteresisMargin { get; set; } = 0.1;

    /// <summary>A person seen entering with no matching leave is forgotten after this. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan PresenceTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Offset of local time for risk hours and seasons. Default +08:00 (China Standard Time).</summary>
    [Range(typeof(TimeSpan), "-14:00:00", "14:00:00")]
    public TimeSpan LocalOffset { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How often the loop re-evaluates (silence, ack timeouts, hold-down). Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Warnings before the wave arrives, besides the one at notice time and one at arrival. Default 120, 60, 30, 10 minutes.</summary>
    public TimeSpan[] LeadTimes { get; set; } = [TimeSpan.FromMinutes(120), TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(10)];

    /// <summary>After the discharge ends at a spot, how long it stays "under discharge" (the tail of the wave). Default 30 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "2.00:00:00")]
    public TimeSpan WavePassMargin { get; set; } = TimeSpan.FromMinutes(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RiseMinSpan > RiseWindow)
        {
            yield return new ValidationResult($"RiseMinSpan ({RiseMinSpan}) cannot be longer than RiseWindow ({RiseWindow}): no rate would ever be reported.", [nameof(RiseMinSpan)]);
        }
    }
}
