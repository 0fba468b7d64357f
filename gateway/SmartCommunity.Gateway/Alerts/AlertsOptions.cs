using System.ComponentModel.DataAnnotations;
using SmartCommunity.Gateway.Grid;

namespace SmartCommunity.Gateway.Alerts;

/// <summary>The alerts engine, routing, escalation and delivery. Section <c>Alerts</c>. Every default is stated here.</summary>
public sealed class AlertsOptions : IValidatableObject
{
    public const string Section = "Alerts";

    /// <summary>Commands waiting for the engine before <see cref="IAlertService.Raise"/> refuses (and counts) new ones. Default 100 000.</summary>
    [Range(1_000, 10_000_000)]
    public int QueueCapacity { get; set; } = 100_000;

    /// <summary>Most commands applied and written in one SQLite transaction. Default 4 000.</summary>
    [Range(1, 100_000)]
    public int MaxBatch { get; set; } = 4_000;

    /// <summary>
    /// Time to acknowledge before escalating one duty level up, per alert level. Defaults: red 2 min, orange 5 min,
    /// yellow 15 min, blue 60 min. Reached the top of the chain, the top tier is notified again every such period.
    /// </summary>
    public LevelTimeouts AckTimeouts { get; set; } = new() { Red = TimeSpan.FromMinutes(2), Orange = TimeSpan.FromMinutes(5), Yellow = TimeSpan.FromMinutes(15), Blue = TimeSpan.FromHours(1) };

    /// <summary>Per-cell overrides of <see cref="AckTimeouts"/> (cell ID → levels); the nearest cell on the path to the root wins. Default none.</summary>
    public Dictionary<string, LevelTimeouts> CellAckTimeouts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Roles of the last tier (staff duty): default emergency and public-security.</summary>
    public List<string> TopTierRoles { get; set; } = [];

    /// <summary>Inhibition rules (Alertmanager style, same source). Defaults: <c>shelter_full</c> mutes <c>shelter_95</c>; <c>device_offline</c> mutes <c>device_silent</c>.</summary>
    public List<InhibitRule> Inhibit { get; set; } = [];

    /// <summary>Grouping rules. Default: door events (<c>door_denied</c>, <c>door_forced</c>, <c>door_held_open</c>, <c>tamper</c>) of one unit fold into <c>door_burst</c>, resolved after 5 quiet minutes.</summary>
    public List<GroupRule> Groups { get; set; } = [];

    /// <summary>Longest silence a person may set. Default 24 hours.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan MaxSilence { get; set; } = TimeSpan.FromHours(24);

    public WebhookOptions Webhooks { get; set; } = new();

    public CapOptions Cap { get; set; } = new();

    public DeviceHealthOptions DeviceHealth { get; set; } = new();

    /// <summary>Notifications waiting per channel (MQTT, webhook) before new ones are dropped and counted. Default 100 000.</summary>
    [Range(100, 10_000_000)]
    public int DeliveryQueueCapacity { get; set; } = 100_000;

    internal IReadOnlyList<string> EffectiveTopTierRoles => TopTierRoles.Count > 0 ? TopTierRoles : [Roles.Emergency, Roles.PublicSecurity];

    internal IReadOnlyList<InhibitRule> EffectiveInhibit => Inhibit.Count > 0 ? Inhibit :
        [new InhibitRule { Source = "shelter_full", Target = "shelter_95" }, new InhibitRule { Source = "device_offline", Target = "device_silent" }];

    internal IReadOnlyList<GroupRule> EffectiveGroups => Groups.Count > 0 ? Groups :
        [new GroupRule { Name = "door_burst", Types = ["door_denied", "door_forced", "door_held_open", "tamper"], QuietWindow = TimeSpan.FromMinutes(5) }];

    /// <summary>Ack time limit for a level in a cell: the nearest override on the cell's path, else the default.</summary>
    internal TimeSpan AckTimeout(AlertLevel level, IReadOnlyList<GridCell> pathToRoot)
    {
        foreach (var cell in pathToRoot)
        {
            if (CellAckTimeouts.TryGetValue(cell.Id, out var overrides) && overrides.For(level) is { } limit)
            {
                return limit;
            }
        }

        return AckTimeouts.For(level) ?? TimeSpan.FromMinutes(5);
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (cell, timeouts) in CellAckTimeouts.Prepend(new("(default)", AckTimeouts)))
        {
            foreach (var level in Enum.GetValues<AlertLevel>())
            {
                if (timeouts.For(level) is { } t && (t < TimeSpan.FromSeconds(10) || t > TimeSpan.FromDays(1)))
                {
                    yield return new ValidationResult($"Alerts ack timeout for {level} in {cell} must be 10 s – 1 day, not {t}.", [nameof(AckTimeouts)]);
                }
            }
        }

        foreach (var group in Groups)
        {
            if (string.IsNullOrWhiteSpace(group.Name) || group.Types.Count == 0 || group.QuietWindow <= TimeSpan.Zero)
            {
                yield return new ValidationResult("Every Alerts:Groups rule needs a Name, at least one type and a positive QuietWindow.", [nameof(Groups)]);
            }
            else if (group.QuietWindow > GroupRule.MaxQuietWindow)
            {
                yield return new ValidationResult($"Alerts:Groups rule {group.Name}: QuietWindow may be at most {GroupRule.MaxQuietWindow.TotalDays:0} days, not {group.QuietWindow}.", [nameof(Groups)]);
            }
        }

        // Data annotations are not recursive: the nested section is checked here, its messages naming the setting.
        var health = new List<ValidationResult>();
        if (!Validator.TryValidateObject(DeviceHealth, new ValidationContext(DeviceHealth), health, validateAllProperties: true))
        {
            foreach (var result in health)
            {
                yield return new ValidationResult($"Alerts:DeviceHealth: {result.ErrorMessage}", [nameof(DeviceHealth)]);
            }
        }

        // The CAP settings end up in every exported message: a Status outside CAP's list or a Sender with a space
        // would make each one invalid (checked again per message by CapValidator).
        var cap = new List<ValidationResult>();
        if (!Validator.TryValidateObject(Cap, new ValidationContext(Cap), cap, validateAllProperties: true))
        {
            foreach (var result in cap)
            {
                yield return new ValidationResult($"Alerts:Cap: {result.ErrorMessage}", [nameof(Cap)]);
            }
        }

        foreach (var rule in Inhibit)
        {
            if (string.IsNullOrWhiteSpace(rule.Source) || string.IsNullOrWhiteSpace(rule.Target) || rule.Source == rule.Target)
            {
                yield return new ValidationResult("Every Alerts:Inhibit rule needs different Source and Target types.", [nameof(Inhibit)]);
            }
        }
    }
}

/// <summary>One time limit per level; a missing one falls back to the default.</summary>
public sealed class LevelTimeouts
{
    public TimeSpan? Red { get; set; }

    public TimeSpan? Orange { get; set; }

    public TimeSpan? Yellow { get; set; }

    public TimeSpan? Blue { get; set; }

    public TimeSpan? For(AlertLevel level) => level switch
    {
        AlertLevel.Red => Red,
        AlertLevel.Orange => Orange,
        AlertLevel.Yellow => Yellow,
        _ => Blue,
    };
}

/// <summary>While an open alert of type <see cref="Source"/> exists for a source, alerts of type <see cref="Target"/> of the same source are muted.</summary>
public sealed class InhibitRule
{
    public string Source { get; set; } = "";

    public string Target { get; set; } = "";
}

/// <summary>
/// Triggers of any of <see cref="Types"/> from one source fold into one alert of type <see cref="Name"/> with a
/// count and the highest level seen; after <see cref="QuietWindow"/> without another trigger it resolves itself.
/// </summary>
public sealed class GroupRule
{
    public string Name { get; set; } = "";

    public List<string> Types { get; set; } = [];

    /// <summary>Default 5 minutes, at most <see cref="MaxQuietWindow"/>.</summary>
    public TimeSpan QuietWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>30 days, like the longest silence: a window of months is a typo (and no timer waits that long in one step).</summary>
    public static readonly TimeSpan MaxQuietWindow = TimeSpan.FromDays(30);
}

public sealed class WebhookOptions
{
    /// <summary>Attempts per notification before giving up. Default 6.</summary>
    [Range(1, 50)]
    public int Attempts { get; set; } = 6;

    /// <summary>Backoff step after the first failure; doubles per attempt, each wait is half to all of its step
    /// (<see cref="SmartCommunity.Resilience.Backoff"/>). Default 2 s.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Largest backoff step between attempts. Default 2 min.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Timeout of one HTTP attempt. Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Webhook posts in flight at once, so one slow receiver does not hold up the others. Default 8.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 8;
}

/// <summary>
/// When a device's presence becomes a <c>device_offline</c> alert. Defaults suit a community's devices on
/// Wi-Fi/4G: a reboot or a network blip (under 2 min) wakes nobody, a device that keeps dropping does.
/// </summary>
public sealed class DeviceHealthOptions
{
    /// <summary>How long a device must stay offline before the alert is raised. Default 2 min (0 = at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan OfflineGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Outages within <see cref="FlapWindow"/> that raise the alert as "flapping" even when each was shorter than the grace. Default 4.</summary>
    [Range(2, 1000)]
    public int FlapThreshold { get; set; } = 4;

    /// <summary>Window in which outages are counted for <see cref="FlapThreshold"/>. Default 30 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan FlapWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a device must stay online before its alert resolves (a flapping device is one alert). Default 5 min (0 = at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RecoveryHold { get; set; } = TimeSpan.FromMinutes(5);
}

public sealed class CapOptions
{
    /// <summary>CAP 1.2 §3.2.1 sender: globally unique, e.g. a domain; no spaces, commas, '&lt;' or '&amp;'. Default <c>smartcommunity.gateway</c>.</summary>
    [RegularExpression("^[^ ,<&]+$")]
    public string Sender { get; set; } = "smartcommunity.gateway";

    /// <summary>CAP status: Actual (default), Exercise (drills), System, Test, Draft.</summary>
    [RegularExpression("^(Actual|Exercise|System|Test|Draft)$")]
    public string Status { get; set; } = "Actual";

    /// <summary>UTC offset of CAP and Atom times (CAP never uses "Z"). Default +08:00 (China Standard Time).</summary>
    public TimeSpan UtcOffset { get; set; } = TimeSpan.FromHours(8);

    /// <summary>CAP circle radius when only a point is known, in km. Default 0.2.</summary>
    [Range(0.001, 1000)]
    public double DefaultRadiusKm { get; set; } = 0.2;
}
