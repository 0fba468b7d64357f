using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCommunity.EdgeAgent.Devices;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.EdgeAgent.Tests.Support;

/// <summary>A device context that keeps what a driver publishes, for driver tests without a host.</summary>
public sealed class RecordingDeviceContext(DeviceKind kind, TimeProvider time, Dictionary<string, string?> settings) : IDeviceContext
{
    private readonly ConcurrentQueue<TelemetryMessage> _telemetry = new();
    private readonly ConcurrentQueue<EventMessage> _events = new();

    public string DeviceId => "test-device";

    public DeviceKind Kind => kind;

    public IConfiguration Settings { get; } = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    public TimeProvider Time => time;

    public ILogger Logger => NullLogger.Instance;

    public IReadOnlyList<TelemetryMessage> Telemetry => [.. _telemetry];

    public IReadOnlyList<EventMessage> Events => [.. _events];

    public ValueTask<bool> PublishTelemetryAsync(TelemetryMessage telemetry, CancellationToken cancellationToken = default)
    {
        _telemetry.Enqueue(telemetry);
        return ValueTask.FromResult(true);
    }

    public ValueTask<bool> PublishEventAsync(EventMessage evt, CancellationToken cancellationToken = default)
    {
        _events.Enqueue(evt);
        return ValueTask.FromResult(true);
    }
}
