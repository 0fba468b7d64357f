using System.ComponentModel.DataAnnotations;

namespace SmartCommunity.Gateway.Shelters;

/// <summary>Section <c>Shelters</c>. Every default is stated here and in docs/shelters.md.</summary>
public sealed class SheltersOptions : IValidatableObject
{
    public const string Section = "Shelters";

    /// <summary>
    /// Effective area per person (m²) by shelter class, used when a shelter has no explicit capacity or own figure.
    /// Defaults: emergency 1.0, fixed 1.5 (GB 21734-2008 §5.4: 人均居住面积应大于 1.5 m²), central 2.0.
    /// Set them from the local shelter plan (专项规划).
    /// </summary>
    public AreaPerPersonOptions AreaPerPerson { get; set; } = new();

    /// <summary>A counting source that sent nothing (no event, telemetry or status) for this long is silent. Default 2 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SourceSilence { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// When a fallback takes over, its events this close after the primary's last counted event are taken for the
    /// same people (two sources see one person a moment apart) and not counted again. Default 3 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MatchWindow { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often sources are checked for silence and occupancy is written as a time series. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How far below a threshold (share of capacity) occupancy must fall to clear its alert. Default 0.05.</summary>
    [Range(0.0, 0.5)]
    public double HysteresisMargin { get; set; } = 0.05;

    /// <summary>Shelters named in a near-full alert and by default in the redirect answer. Default 3.</summary>
    [Range(1, 20)]
    public int Suggestions { get; set; } = 3;

    /// <summary>Drift between two sources of one entrance is reported from this many people on. Default 5.</summary>
    [Range(1, 100_000)]
    public int DriftMinimum { get; set; } = 5;

    /// <summary>…and when it is also this share of the primary's count. Default 0.1.</summary>
    [Range(0.0, 10.0)]
    public double DriftRatio { get; set; } = 0.1;

    /// <summary>Counting events waiting for the writer before new ones are refused and counted. Default 100 000.</summary>
    [Range(1_000, 10_000_000)]
    public int QueueCapacity { get; set; } = 100_000;

    /// <summary>Counted events are kept this long (they make replays idempotent). At least 15 days (ingest accepts 14). Default 90 days.</summary>
    [Range(typeof(TimeSpan), "15.00:00:00", "3650.00:00:00")]
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromDays(90);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[] { ("Emergency", AreaPerPerson.Emergency), ("Fixed", AreaPerPerson.Fixed), ("Central", AreaPerPerson.Central) })
        {
            if (!(value is >= 0.1 and <= 100))
            {
                yield return new ValidationResult($"Shelters:AreaPerPerson:{name} must be 0.1–100 m², not {value}.", [nameof(AreaPerPerson)]);
            }
        }
    }
}

/// <summary>m² of effective area per person, per shelter class.</summary>
public sealed class AreaPerPersonOptions
{
    public double Emergency { get; set; } = 1.0;

    public double Fixed { get; set; } = 1.5;

    public double Central { get; set; } = 2.0;

    public double For(ShelterClass shelterClass) => shelterClass switch
    {
        ShelterClass.Emergency => Emergency,
        ShelterClass.Fixed => Fixed,
        _ => Central,
    };
}
