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
        foreach (var reservoir in SeedJson.Items<Reservoir>(section, errors))
        {
            if (scheduler.UpsertReservoir(reservoir) is { } error)
            {
                errors.Add($"reservoir '{reservoir.Id}': {error}");
            }
        }

        return errors;
    }
}
