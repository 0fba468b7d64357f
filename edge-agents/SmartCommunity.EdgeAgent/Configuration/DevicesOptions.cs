using Microsoft.Extensions.Configuration;

namespace SmartCommunity.EdgeAgent.Configuration;

/// <summary>The devices the agent hosts: the top-level <c>Devices</c> array.</summary>
public sealed class DevicesOptions
{
    public const string Section = "Devices";

    public List<DeviceOptions> Devices { get; } = [];

    /// <summary>
    /// Reads the array by hand rather than with the binder: each device's <c>Settings</c> stays a configuration
    /// section the driver binds to its own settings class, whatever its shape.
    /// </summary>
    public static void Bind(DevicesOptions options, IConfiguration configuration)
    {
        options.Devices.Clear();
        foreach (var child in configuration.GetSection(Section).GetChildren())
        {
            options.Devices.Add(new DeviceOptions
            {
                Id = child[nameof(DeviceOptions.Id)]?.Trim() ?? "",
                Kind = child[nameof(DeviceOptions.Kind)]?.Trim() ?? "",
                Secret = child[nameof(DeviceOptions.Secret)] ?? "",
                Driver = child[nameof(DeviceOptions.Driver)]?.Trim() ?? "",
                Settings = child.GetSection(nameof(DeviceOptions.Settings)),
            });
        }
    }
}
