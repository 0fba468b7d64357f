using System.Text.Encodings.Web;
using System.Text.Json;

namespace SmartCommunity.Protocol.Serialization;

/// <summary>
/// The JSON settings every sender uses. The default encoder escapes every non-ASCII character, which makes a
/// Chinese voice text ("危险水域，请速离开") three times longer on the wire; MQTT payloads are never embedded in
/// HTML, so the relaxed encoder (only JSON's own escapes) is safe here.
/// </summary>
public static class ProtocolJson
{
    public static ProtocolJsonContext Context { get; } = new(new JsonSerializerOptions(ProtocolJsonContext.Default.Options)
    {
        TypeInfoResolver = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
