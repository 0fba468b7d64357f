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
        .AddDeviceDriver<WaterLevelSimulator>(WaterLevelSimulator.DriverName, DeviceKind.WaterLevelStation)
        .AddDeviceDriver<DoorAccessSimulator>(DoorAccessSimulator.DriverName, DeviceKind.DoorAccess)
        .AddDeviceDriver<CameraSimulator>(CameraSimulator.DriverName, DeviceKind.Camera)
        .AddDeviceDriver<WarningDeviceSimulator>(WarningDeviceSimulator.DriverName, DeviceKind.WarningDevice);
}
