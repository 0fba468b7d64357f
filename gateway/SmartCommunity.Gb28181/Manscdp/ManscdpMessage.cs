using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace SmartCommunity.Gb28181.Manscdp;

/// <summary>
/// A MANSCDP body (GB/T 28181-2016 Appendix A): root element Notify, Query, Response or Control with CmdType, SN and
/// DeviceID. Parsed without DTDs or external entities, from the encoding the prolog declares.
/// </summary>
public sealed class ManscdpMessage
{
    private ManscdpMessage(XElement root, string cmdType, long sn, string deviceId)
    {
        Root = root;
        CmdType = cmdType;
        Sn = sn;
        DeviceId = deviceId;
    }

    /// <summary>The root element; its name is Notify, Query, Response or Control.</summary>
    public XElement Root { get; }

    public string Kind => Root.Name.LocalName;

    public string CmdType { get; }

    public long Sn { get; }

    public string DeviceId { get; }

    /// <summary>A direct child's text, or null.</summary>
    public string? Field(string name) => Root.Element(name)?.Value.Trim();

    /// <summary>Parses a body; on refusal <paramref name="reason"/> is a short code (<c>bad-xml</c>, <c>unknown-encoding</c>, …).</summary>
    public static ManscdpMessage? Parse(ReadOnlySpan<byte> body, out string? reason)
    {
        reason = null;
        var encoding = ManscdpEncoding.Declared(body);
        if (encoding is null)
        {
            reason = "unknown-encoding";
            return null;
        }

        string text;
        try
        {
            text = encoding.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            reason = "bad-encoding";
            return null;
        }

        XElement root;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 1_000_000, IgnoreComments = true };
            using var reader = XmlReader.Create(new StringReader(text), settings);
            root = XElement.Load(reader);
        }
        catch (XmlException)
        {
            reason = "bad-xml";
            return null;
        }

        if (root.Name.LocalName is not ("Notify" or "Query" or "Response" or "Control"))
        {
            reason = "unknown-root";
            return null;
        }

        var cmdType = root.Element("CmdType")?.Value.Trim();
        var deviceId = root.Element("DeviceID")?.Value.Trim();
        if (string.IsNullOrEmpty(cmdType) || string.IsNullOrEmpty(deviceId)
            || !long.TryParse(root.Element("SN")?.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var sn))
        {
            reason = "missing-field";
            return null;
        }

        return new ManscdpMessage(root, cmdType, sn, deviceId);
    }
}

/// <summary>Bodies the gateway sends.</summary>
public static class ManscdpBodies
{
    /// <summary>Serializes with a GB2312 prolog, as GB/T 28181 peers expect, in GB18030 bytes (identical for GB2312 text).</summary>
    public static byte[] Serialize(XElement root)
    {
        var xml = "<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n" + root.ToString(SaveOptions.None) + "\r\n";
        return ManscdpEncoding.Gb18030.GetBytes(xml);
    }

    public static byte[] Query(string cmdType, long sn, string deviceId) =>
        Serialize(new XElement("Query", new XElement("CmdType", cmdType), new XElement("SN", sn), new XElement("DeviceID", deviceId)));

    /// <summary>PTZ control (GB/T 28181-2016 A.2.3.1): the 8-byte command as 16 hex digits.</summary>
    public static byte[] PtzControl(long sn, string deviceId, PtzCommand command) =>
        Serialize(new XElement("Control", new XElement("CmdType", "DeviceControl"), new XElement("SN", sn), new XElement("DeviceID", deviceId),
            new XElement("PTZCmd", command.ToHex()), new XElement("Info", new XElement("ControlPriority", 5))));

    /// <summary>
    /// File directory query (GB/T 28181-2016 A.2.4.5 文件目录检索请求) of one channel between two local times; Type
    /// <c>all</c> (time, alarm and manual recordings), Secrecy 0.
    /// </summary>
    public static byte[] RecordInfoQuery(long sn, string channelId, DateTime start, DateTime end) =>
        Serialize(new XElement("Query", new XElement("CmdType", "RecordInfo"), new XElement("SN", sn), new XElement("DeviceID", channelId),
            new XElement("StartTime", RecordInfoCollector.FormatTime(start)), new XElement("EndTime", RecordInfoCollector.FormatTime(end)),
            new XElement("Secrecy", 0), new XElement("Type", "all")));

    /// <summary>A response that only reports a result (A.2.6, e.g. 报警通知应答): CmdType, SN and DeviceID of the request, Result OK or ERROR.</summary>
    public static byte[] Result(string cmdType, long sn, string deviceId, bool ok) =>
        Serialize(new XElement("Response", new XElement("CmdType", cmdType), new XElement("SN", sn), new XElement("DeviceID", deviceId),
            new XElement("Result", ok ? "OK" : "ERROR")));

    public static byte[] Keepalive(long sn, string deviceId) =>
        Serialize(new XElement("Notify", new XElement("CmdType", "Keepalive"), new XElement("SN", sn), new XElement("DeviceID", deviceId), new XElement("Status", "OK")));
}
