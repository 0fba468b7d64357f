using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SmartCommunity.EdgeAgent.Devices;
using SmartCommunity.EdgeAgent.Drivers.Camera;
using SmartCommunity.EdgeAgent.Drivers.Sl651;
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
    /// The built-in drivers: the simulators and the SL 651 station driver (kept under this name because the host
    /// calls it). Real hardware drivers are added the same way, see <see cref="AddSl651Driver"/>.
    /// </summary>
    public static IServiceCollection AddSimulatorDrivers(this IServiceCollection services) => services
        .AddSimulator<WaterLevelSimulator, WaterLevelSimulatorSettings>(WaterLevelSimulator.DriverName, DeviceKind.WaterLevelStation)
        .AddSimulator<DoorAccessSimulator, DoorAccessSimulatorSettings>(DoorAccessSimulator.DriverName, DeviceKind.DoorAccess)
        .AddSimulator<CameraSimulator, CameraSimulatorSettings>(CameraSimulator.DriverName, DeviceKind.Camera)
        .AddSimulator<WarningDeviceSimulator, WarningDeviceSimulatorSettings>(WarningDeviceSimulator.DriverName, DeviceKind.WarningDevice)
        .AddSl651Driver()
        .AddSingleton(new DriverRegistration(CameraAnalysisDriver.DriverName, [DeviceKind.Camera],
            sp => ActivatorUtilities.CreateInstance<CameraAnalysisDriver>(sp), CameraAnalysisDriver.CheckSettings));

    /// <summary>
    /// <c>sl651</c>: a water-level station speaking SL 651-2014 over TCP. Devices on the same endpoint share one
    /// listener (<see cref="Sl651Listeners"/>, a singleton).
    /// </summary>
    public static IServiceCollection AddSl651Driver(this IServiceCollection services)
    {
        services.TryAddSingleton<Sl651Listeners>();
        return services.AddSingleton(new DriverRegistration(Sl651StationDriver.DriverName, [DeviceKind.WaterLevelStation],
            sp => ActivatorUtilities.CreateInstance<Sl651StationDriver>(sp), Sl651StationDriver.CheckSettings));
    }

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
