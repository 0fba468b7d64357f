using System.Text.Json;
using SmartCommunity.Gateway.Seed;

namespace SmartCommunity.Gateway.WaterSafety.Discharge;

/// <summary>Seed section <c>reservoirs</c>: each entry a <see cref="Reservoir"/> with its reaches and travel-time bands. After spots.</summary>
internal sealed class ReservoirSeedSection(DischargeScheduler scheduler) : ISeedSection
{
    public string Name => "reservoirs";

    public int Order => 61;

    public IReadOnlyList<string> Apply(JsonElement section)
    {
        var errors = new List<string>();
        foreach (var reservoir in Read(section, errors))
        {
            if (scheduler.UpsertReservoir(reservoir) is { } error)
            {
                errors.Add($"reservoir '{reservoir.Id}': {error}");
            }
        }

        return errors;
    }

    /// <summary>The section's entries as reservoirs to check (<see cref="DischargeScheduler.CheckReservoir"/>); an entry that does not read is an error.</summary>
    internal static IEnumerable<Reservoir> Read(JsonElement section, List<string> errors) => SeedJson.Items<Reservoir>(section, errors);
}
