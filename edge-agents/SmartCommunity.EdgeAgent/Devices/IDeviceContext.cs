using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.EdgeAgent.Devices;

/// <summary>What the host gives a driver: who it is, its settings, a clock, and a way to publish.</summary>
public interface IDeviceContext
{
    string DeviceId { get; }

    DeviceKind Kind { get; }

    /// <summary>The device's <c>Settings</c> configuration section; bind it to the driver's own settings class.</summary>
    IConfiguration Settings { get; }

    /// <summary>The clock to use for delays and timestamps (tests replace it).</summary>
    TimeProvider Time { get; }

    ILogger Logger { get; }

    /// <summary>
    /// Stores telemetry for delivery (QoS 0). The host sets <c>seq</c> and <c>boot</c>, and <c>ts</c> when the
    /// driver left it 0. Returns <see langword="false"/> when the queue is full of events or the disk write failed,
    /// and the reading was not stored (counted); a stored reading may later be dropped for a newer message (counted).
    /// </summary>
    ValueTask<bool> PublishTelemetryAsync(TelemetryMessage telemetry, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores an event for delivery (QoS 1). Once this returns <see langword="true"/> the event is on disk and will
    /// reach the broker, across outages and agent restarts. Returns <see langword="false"/> when the queue holds
    /// nothing but undelivered events and acks up to its bound, or the disk write failed (both counted).
    /// </summary>
    ValueTask<bool> PublishEventAsync(EventMessage evt, CancellationToken cancellationToken = default);
}
