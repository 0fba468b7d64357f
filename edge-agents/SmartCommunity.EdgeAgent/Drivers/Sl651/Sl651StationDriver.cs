using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SmartCommunity.EdgeAgent.Devices;
using SmartCommunity.EdgeAgent.Diagnostics;

namespace SmartCommunity.EdgeAgent.Drivers.Sl651;

/// <summary>
/// A hydrological station (RTU) that reports over SL 651-2014 (HEX/BCD, TCP): the agent is its centre. Listens on the
/// configured endpoint (shared with other <c>sl651</c> devices on it), takes the reports of this device's station
/// addresses and publishes them as telemetry stamped with the observation time, plus a <c>threshold_report</c>
/// event for each 33 (added, 加报) report.
/// </summary>
public sealed class Sl651StationDriver(Sl651Listeners listeners) : IDeviceDriver
{
    public const string DriverName = "sl651";

    public async Task RunAsync(IDeviceContext context, CancellationToken cancellationToken)
    {
        var settings = context.Settings.Get<Sl651DriverSettings>() ?? new Sl651DriverSettings();
        if (settings.Problem() is { } problem)
        {
            throw new InvalidOperationException($"Device {context.DeviceId}: {problem}");
        }

        var mapping = settings.ElementMapping();
        var refusedLog = new LogThrottle(context.Time, TimeSpan.FromMinutes(1));
        await using var subscription = await listeners.SubscribeAsync(context.DeviceId, settings, context.Time, cancellationToken).ConfigureAwait(false);
        context.Logger.LogInformation("Device {DeviceId}: SL 651 station(s) {Stations} on {EndPoint}.",
            context.DeviceId, string.Join(", ", subscription.Stations), subscription.Listener.EndPoint);

        try
        {
            await foreach (var report in subscription.Reports.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                var messages = mapping.Map(report);
                if (messages.SkippedTimes > 0)
                {
                    context.Logger.LogDebug("Device {DeviceId}: SL 651 report {Serial} (function {Function:X2}) had {Skipped} observation time(s) with neither level nor flow; not published.",
                        context.DeviceId, report.Serial, (int)report.FunctionCode, messages.SkippedTimes);
                }

                var stored = true;
                foreach (var telemetry in messages.Telemetry)
                {
                    stored &= await context.PublishTelemetryAsync(telemetry, cancellationToken).ConfigureAwait(false);
                }

                if (messages.Threshold is { } threshold)
                {
                    stored &= await context.PublishEventAsync(threshold, cancellationToken).ConfigureAwait(false);
                }

                // The RTU already has its ack: a refusal (full queue, failed disk; counted by the agent) loses the reading.
                if (!stored && refusedLog.ShouldLog(out var suppressed))
                {
                    context.Logger.LogWarning("Device {DeviceId}: the queue refused a reading of SL 651 report {Serial} ({Suppressed} more since the last message).",
                        context.DeviceId, report.Serial, suppressed);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>The settings check run when the agent starts.</summary>
    internal static string? CheckSettings(IConfiguration section)
    {
        try
        {
            return (section.Get<Sl651DriverSettings>() ?? new Sl651DriverSettings()).Problem();
        }
        catch (InvalidOperationException ex)
        {
            // The binder's own message names the key and the value it could not convert.
            return ex.Message;
        }
    }
}
