using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.Alerts.Engine;

/// <summary>
/// Acknowledgements from terminals on <c>sc/v1/person/{id}/ack</c>. The ingest pipeline has already checked
/// the publisher is that person; the engine checks they may act on the alert's cell. Queued, never awaited:
/// this runs on an ingest worker.
/// </summary>
internal sealed class TerminalAckHandler(AlertEngine engine) : IDeviceMessageHandler
{
    public void OnPersonAck(string personId, PersonAckMessage message) =>
        _ = engine.SendAsync(new AckCommand(message.AlertId, personId, message.Note, Via: "mqtt", CheckVisibility: true));
}
