using SmartCommunity.Gateway.WaterSafety.Spots;

namespace SmartCommunity.Gateway.WaterSafety.Risk;

/// <summary>
/// Keeps a spot's risk from flapping: it rises at once, but falls only when the lower level holds with a margin
/// (thresholds relaxed by <see cref="WaterSafetyOptions.HysteresisMargin"/>) for <see cref="WaterSafetyOptions.RiskHoldDown"/>.
/// </summary>
public sealed class RiskHysteresis(double margin, TimeSpan holdDown)
{
    private DateTimeOffset? _lowerSince;

    public RiskLevel Level { get; private set; }

    public IReadOnlyList<RiskReason> Reasons { get; private set; } = [];

    /// <summary>Returns true when the level changed.</summary>
    public bool Update(HazardousSpot spot, RiskInputs inputs, DateTimeOffset now)
    {
        var (raw, reasons) = DrowningRisk.Evaluate(spot, inputs);
        if (raw >= Level)
        {
            _lowerSince = null;
            Reasons = reasons;
            var changed = raw != Level;
            Level = raw;
            return changed;
        }

        // Lower: only if it is lower even with relaxed thresholds, and has been for the hold-down time.
        var (relaxed, relaxedReasons) = DrowningRisk.Evaluate(spot, inputs, margin);
        if (relaxed >= Level)
        {
            _lowerSince = null;
            Reasons = relaxedReasons;
            return false;
        }

        _lowerSince ??= now;
        if (now - _lowerSince < holdDown)
        {
            return false;
        }

        _lowerSince = null;
        Level = relaxed;
        Reasons = relaxedReasons;
        return true;
    }
}
