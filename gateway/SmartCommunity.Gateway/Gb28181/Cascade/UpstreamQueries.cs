using System.Reflection;
using System.Xml.Linq;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gb28181.Manscdp;

namespace SmartCommunity.Gateway.Gb28181.Cascade;

/// <summary>
/// The superior's DeviceInfo and DeviceStatus queries (GB/T 28181-2016 §9.5, queries in A.2.4, answers in A.2.6) about
/// the gateway itself (its <see cref="Gb28181Options.ServerId"/>) or one of the cameras it lists upward. A camera's
/// state is the gateway's: online as its device is (the catalog's <c>Status</c>), recording while its recorder writes.
/// An ID the gateway does not have is answered with <c>Result</c> ERROR, as the standard's answers allow, and counted.
/// </summary>
public sealed class UpstreamQueries(Gb28181Options options, CameraRegistry cameras, DeviceRegistry devices, CameraStatusBoard status, TimeProvider time)
{
    private const string Manufacturer = "SmartCommunity";

    private static readonly string Firmware = typeof(UpstreamQueries).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(UpstreamQueries).Assembly.GetName().Version?.ToString() ?? "1.0";

    /// <summary>Whether the superior asked about something the gateway has (the gateway or one of its cameras).</summary>
    public bool Knows(string deviceId) => deviceId == options.ServerId || cameras.Find(deviceId) is not null;

    /// <summary>The DeviceInfo answer: name, maker, model, firmware and, for the gateway, how many channels it lists.</summary>
    public XElement DeviceInfo(long sn, string deviceId, int channels)
    {
        var answer = Head("DeviceInfo", sn, deviceId);
        if (deviceId == options.ServerId)
        {
            answer.Add(new XElement("DeviceName", "SmartCommunity 网关"), Ok(), new XElement("Manufacturer", Manufacturer), new XElement("Model", "Gateway"),
                new XElement("Firmware", Firmware), new XElement("Channel", channels));
        }
        else if (cameras.Find(deviceId) is { } camera)
        {
            answer.Add(new XElement("DeviceName", camera.Name), Ok(), new XElement("Manufacturer", Manufacturer), new XElement("Model", "Gateway"),
                new XElement("Firmware", Firmware), new XElement("Channel", 1));
        }
        else
        {
            answer.Add(new XElement("Result", "ERROR"));
        }

        return answer;
    }

    /// <summary>The DeviceStatus answer: online, working, encoding, recording, the device time and no alarm inputs.</summary>
    public XElement DeviceStatus(long sn, string deviceId)
    {
        var answer = Head("DeviceStatus", sn, deviceId);
        bool online;
        bool recording;
        if (deviceId == options.ServerId)
        {
            (online, recording) = (true, cameras.All.Any(c => status.Get(c.Id).Recorder == "recording"));
        }
        else if (cameras.Find(deviceId) is { } camera)
        {
            online = devices.Get(camera.Id)?.Online ?? status.Get(camera.Id).Online ?? true;
            recording = status.Get(camera.Id).Recorder == "recording";
        }
        else
        {
            answer.Add(new XElement("Result", "ERROR"));
            return answer;
        }

        var now = time.GetUtcNow().ToOffset(options.DeviceUtcOffset).DateTime;
        answer.Add(Ok(), new XElement("Online", online ? "ONLINE" : "OFFLINE"), new XElement("Status", online ? "OK" : "ERROR"));
        if (!online)
        {
            answer.Add(new XElement("Reason", "offline"));
        }

        answer.Add(new XElement("Encode", online ? "ON" : "OFF"), new XElement("Record", recording ? "ON" : "OFF"),
            new XElement("DeviceTime", RecordInfoCollector.FormatTime(now)), new XElement("Alarmstatus", new XAttribute("Num", 0)));
        return answer;
    }

    private static XElement Head(string cmdType, long sn, string deviceId) =>
        new("Response", new XElement("CmdType", cmdType), new XElement("SN", sn), new XElement("DeviceID", deviceId));

    private static XElement Ok() => new("Result", "OK");
}
