using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SmartCommunity.EdgeAgent.Devices;

namespace SmartCommunity.EdgeAgent.Drivers.Simulation;

/// <summary>Runs a <see cref="SimulationModel"/> on the host's clock and publishes what it emits.</summary>
public abstract class SimulatorDriver<TSettings> : IDeviceDriver
    where TSettings : SimulatorSettings, new()
{
    public async Task RunAsync(IDeviceContext context, CancellationToken cancellationToken)
    {
        var settings = context.Settings.Get<TSettings>() ?? new TSettings();
        settings.Check();
        var random = settings.Seed is { } seed ? new Random(seed) : new Random();
        var model = CreateModel(settings, random, context.Time.GetUtcNow());
        context.Logger.LogInformation("Device {DeviceId}: simulator {Driver} running (seed {Seed}).", context.DeviceId, GetType().Name, settings.Seed?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "random");
        using var timer = new PeriodicTimer(model.Tick, context.Time);
        do
        {
            foreach (var message in model.Advance(context.Time.GetUtcNow()))
            {
                var stored = message.Telemetry is { } telemetry
                    ? await context.PublishTelemetryAsync(telemetry, cancellationToken)
                    : await context.PublishEventAsync(message.Event!, cancellationToken);
                if (!stored)
                {
                    context.Logger.LogDebug("Device {DeviceId}: queue full, a simulated message was refused.", context.DeviceId);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    protected abstract SimulationModel CreateModel(TSettings settings, Random random, DateTimeOffset start);
}
