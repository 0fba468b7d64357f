using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SmartCommunity.EdgeAgent.Devices;
using SmartCommunity.EdgeAgent.Drivers.Simulation;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.EdgeAgent.Hosting;

/// <summary>How drivers become available to devices by name.</summary>
public static class DriverRegistrationExtensions
{
    /// <summary>Registers <typeparamref name="TDriver"/> (created per device from DI) under <paramref name="name"/>.</summary>
    public static IServiceCollection AddDeviceDriver<TDriver>(this IServiceCollection services, string name, params DeviceKind[] kinds)
        where TDriver : class, IDeviceDriver =>
        services.AddDeviceDriver(name, sp => ActivatorUtilities.CreateInstance<TDriver>(sp), kinds);

    /// <summary>Registers a driver factory under <paramref name="name"/>; <paramref name="kinds"/> empty means any kind.</summary>
    public static IServiceCollection AddDeviceDriver(this IServiceCollection services, string name, Func<IServiceProvider, IDeviceDriver> create, params DeviceKind[] kinds) =>
        services.AddSingleton(new DriverRegistration(name, kinds, create));

    /// <summary>
    /// The built-in drivers. Real hardware drivers are added the same way; an SL 651 water-level station, for one,
    /// would be <c>services.AddDeviceDriver&lt;Sl651StationDriver&gt;("sl651", DeviceKind.WaterLevelStation)</c>
    /// with a driver that listens for the station's TCP frames (SmartCommunity.Sl651) and publishes telemetry.
    /// </summary>
    public static IServiceCollection AddSimulatorDrivers(this IServiceCollection services) => services
        .AddSimulator<WaterLevelSimulator, WaterLevelSimulatorSettings>(WaterLevelSimulator.DriverName, DeviceKind.WaterLevelStation)
        .AddSimulator<DoorAccessSimulator, DoorAccessSimulatorSettings>(DoorAccessSimulator.DriverName, DeviceKind.DoorAccess)
        .AddSimulator<CameraSimulator, CameraSimulatorSettings>(CameraSimulator.DriverName, DeviceKind.Camera)
        .AddSimulator<WarningDeviceSimulator, WarningDeviceSimulatorSettings>(WarningDeviceSimulator.DriverName, DeviceKind.WarningDevice);

    /// <summary>A simulator whose settings are bound and checked when the agent starts, not first when it runs.</summary>
    private static IServiceCollection AddSimulator<TDriver, TSettings>(this IServiceCollection services, string name, DeviceKind kind)
        where TDriver : class, IDeviceDriver
        where TSettings : SimulatorSettings, new() =>
        services.AddSingleton(new DriverRegistration(name, [kind], sp => ActivatorUtilities.CreateInstance<TDriver>(sp), settings =>
        {
            try
            {
                (settings.Get<TSettings>() ?? new TSettings()).Check();
                return null;
            }
            catch (InvalidOperationException ex)
            {
                // The binder's own message names the key and the value it could not convert.
                return ex.Message;
            }
        }));
}
