using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.EdgeAgent.Devices;

/// <summary>The host's side of <see cref="IDeviceContext"/>: publishing goes straight into the device's queue.</summary>
internal sealed class DeviceContext(string deviceId, DeviceKind kind, IConfiguration settings, DevicePublisher publisher, TimeProvider time, ILogger logger)
    : IDeviceContext
{
    public string DeviceId => deviceId;

    public DeviceKind Kind => kind;

    public IConfiguration Settings => settings;

    public TimeProvider Time => time;

    public ILogger Logger => logger;

    public ValueTask<bool> PublishTelemetryAsync(TelemetryMessage telemetry, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(publisher.Publish(telemetry));
    }

    public ValueTask<bool> PublishEventAsync(EventMessage evt, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(publisher.Publish(evt));
    }
}
