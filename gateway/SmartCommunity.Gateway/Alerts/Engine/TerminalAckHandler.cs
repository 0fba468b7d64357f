using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.Alerts.Engine;

/// <summary>
/// Acknowledgements from terminals on <c>sc/v1/person/{id}/ack</c>. The ingest pipeline has already checked
/// the publisher is that person; the engine checks they may act on the alert's cell. Queued, never awaited:
/// this runs on an ingest worker.
/// </summary>
/// <remarks>
/// The engine is resolved on first use: the engine needs the broker (to publish alerts) and the broker needs
/// the ingest handlers, so taking the engine in the constructor would be a dependency cycle.
/// </remarks>
internal sealed class TerminalAckHandler(IServiceProvider services) : IDeviceMessageHandler
{
    private AlertEngine? _engine;

    public void OnPersonAck(string personId, PersonAckMessage message)
    {
        _engine ??= services.GetRequiredService<AlertEngine>();
        _ = _engine.SendAsync(new AckCommand(message.AlertId, personId, message.Note, Via: "mqtt", CheckVisibility: true));
    }
}
