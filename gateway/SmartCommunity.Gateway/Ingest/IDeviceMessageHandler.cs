using SmartCommunity.Gateway.Devices;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.Ingest;

/// <summary>
/// A feature's entry point for decoded, validated, de-duplicated device messages. Implement the methods the
/// feature needs. Calls come from ingest workers: one worker per device at a time, in arrival order.
/// Handlers must be quick and never block on I/O; hand slow work to the feature's own queue.
/// An exception is caught, counted (<c>sc_ingest_handler_errors_total</c>) and does not reach other handlers.
/// </summary>
public interface IDeviceMessageHandler
{
    /// <param name="receivedTimestamp"><see cref="TimeProvider.GetTimestamp"/> when the broker handed the message over; for latency.</param>
    void OnTelemetry(DeviceRuntime device, TelemetryMessage message, long receivedTimestamp)
    {
    }

    void OnEvent(DeviceRuntime device, EventMessage message, long receivedTimestamp)
    {
    }

    void OnStatus(DeviceRuntime device, StatusMessage message)
    {
    }

    void OnCommandAck(DeviceRuntime device, CommandAckMessage message)
    {
    }

    void OnPersonAck(string personId, PersonAckMessage message)
    {
    }
}
