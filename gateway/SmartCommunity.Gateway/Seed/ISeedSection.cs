using System.Text.Json;

namespace SmartCommunity.Gateway.Seed;

/// <summary>
/// One top-level section of the seed file (e.g. <c>cells</c>, <c>devices</c>), applied by the feature that owns
/// it. Sections apply in <see cref="Order"/>, so cells exist before the devices that sit in them.
/// </summary>
public interface ISeedSection
{
    string Name { get; }

    int Order { get; }

    /// <summary>Applies the section; returns one error text per bad entry (the good ones are still applied).</summary>
    IReadOnlyList<string> Apply(JsonElement section);
}
