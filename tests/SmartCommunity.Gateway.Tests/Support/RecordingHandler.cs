using System.Collections.Concurrent;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.Tests.Support;

/// <summary>A feature handler that records what the pipeline dispatched, so tests see exactly what got through.</summary>
public sealed class RecordingHandler : IDeviceMessageHandler
{
    public ConcurrentQueue<(string Device, TelemetryMessage Message)> Telemetry { get; } = new();

    public ConcurrentQueue<(string Device, EventMessage Message)> Events { get; } = new();

    public ConcurrentQueue<(string Device, StatusMessage Message)> Statuses { get; } = new();

    public ConcurrentQueue<(string Device, CommandAckMessage Message)> Acks { get; } = new();

    public ConcurrentQueue<(string Person, PersonAckMessage Message)> PersonAcks { get; } = new();

    public void OnTelemetry(DeviceRuntime device, TelemetryMessage message, long receivedTimestamp) => Telemetry.Enqueue((device.Id, message));

    public void OnEvent(DeviceRuntime device, EventMessage message, long receivedTimestamp) => Events.Enqueue((device.Id, message));

    public void OnStatus(DeviceRuntime device, StatusMessage message) => Statuses.Enqueue((device.Id, message));

    public void OnCommandAck(DeviceRuntime device, CommandAckMessage message) => Acks.Enqueue((device.Id, message));

    public void OnPersonAck(string personId, PersonAckMessage message) => PersonAcks.Enqueue((personId, message));
}
