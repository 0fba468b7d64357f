using Microsoft.Extensions.Configuration;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.EdgeAgent.Devices;

/// <summary>A driver the agent can run, under the name devices use in their <c>Driver</c> setting.</summary>
/// <param name="Name">Name used in configuration, e.g. <c>sim-water-level</c>.</param>
/// <param name="Kinds">Device kinds the driver can drive; empty means any.</param>
/// <param name="Create">Creates one driver instance per device.</param>
/// <param name="CheckSettings">
/// Checks a device's <c>Settings</c> section at start; returns what is wrong, or <see langword="null"/>. Optional:
/// a driver without it finds bad settings only when it runs.
/// </param>
public sealed record DriverRegistration(
    string Name,
    IReadOnlyCollection<DeviceKind> Kinds,
    Func<IServiceProvider, IDeviceDriver> Create,
    Func<IConfiguration, string?>? CheckSettings = null);

/// <summary>The registered drivers, by name (case-insensitive).</summary>
public sealed class DriverRegistry
{
    private readonly Dictionary<string, DriverRegistration> _byName = new(StringComparer.OrdinalIgnoreCase);

    public DriverRegistry(IEnumerable<DriverRegistration> registrations)
    {
        foreach (var registration in registrations)
        {
            // Last one wins, so a host or test can replace a built-in driver.
            _byName[registration.Name] = registration;
        }
    }

    public IEnumerable<string> Names => _byName.Keys.Order(StringComparer.Ordinal);

    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DriverRegistration? registration) =>
        _byName.TryGetValue(name, out registration);
}
