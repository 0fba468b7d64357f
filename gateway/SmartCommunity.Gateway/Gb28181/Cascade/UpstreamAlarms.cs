using System.Globalization;
using System.Threading.Channels;
using System.Xml.Linq;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gb28181.Manscdp;
using SmartCommunity.Protocol.Identity;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.Gb28181.Cascade;

/// <summary>
/// Alarms upward (级联, GB/T 28181-2016 §9.4 with the gateway as the alarming party): camera events of the types in
/// <see cref="UpstreamOptions.AlarmTypes"/>, from any camera the catalog gives the superior (MQTT agents, the
/// gateway's own analysis, GB/T 28181 devices alike), become a <c>Notify</c>/<c>Alarm</c> MESSAGE (A.2.5) to it, in the
/// inverse of <see cref="GbAlarms"/>' mapping: AlarmMethod 5 (video) with AlarmType 2 motion, 5 tripwire, 6 intrusion;
/// method 2 (device) with 1 video loss, 2 tamper; method 6 for a fault. AlarmTime is device time
/// (<see cref="Gb28181Options.DeviceUtcOffset"/>, no zone, as the standard writes it).
/// <para>
/// Forwarding is a notification, not a store: the event itself is durable in the gateway; what goes up is queued in
/// memory (<see cref="QueueLength"/>; a full queue sheds, counted <c>alarm-shed</c>), sent once registered (waiting
/// up to a minute, else <c>alarm-not-registered</c>), and an unanswered MESSAGE (SIP retransmits it over UDP for 8 s)
/// is counted <c>alarm-unanswered</c>. A crash between the event's commit and its sending loses that notification;
/// an event replayed from the journal after a crash may be sent twice.
/// </para>
/// </summary>
public sealed class UpstreamAlarms(Gb28181Options options, UpstreamPlatform platform, ICameraCatalog cameras, SipClient client, Gb28181Metrics metrics,
    TimeProvider time, ILogger<UpstreamAlarms> logger) : IDeviceMessageHandler
{
    public const int QueueLength = 1_024;

    private readonly HashSet<string> _types = [.. options.Upstream.AlarmTypes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    private readonly Channel<(Camera Camera, EventMessage Event)> _queue = Channel.CreateBounded<(Camera, EventMessage)>(
        new BoundedChannelOptions(QueueLength) { SingleReader = true });

    public void OnEvent(DeviceRuntime device, EventMessage message, long receivedTimestamp)
    {
        if (!platform.Enabled || !_types.Contains(message.Type) || Map(message) is null
            || cameras.Find(device.Id) is not { } camera || !Gb28181Id.TryParse(camera.Id, out var code, out _) || !code.CarriesVideo)
        {
            return;
        }

        if (!_queue.Writer.TryWrite((camera, message)))
        {
            metrics.Cascade("alarm-shed");
        }
    }

    /// <summary>Sends queued alarms until stopped (started with the cascade).</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var (camera, message) in _queue.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                var deadline = time.GetUtcNow() + TimeSpan.FromMinutes(1);
                while (!platform.Registered && time.GetUtcNow() < deadline)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), time, stopping).ConfigureAwait(false);
                }

                if (!platform.Registered)
                {
                    metrics.Cascade("alarm-not-registered");
                    continue;
                }

                var answer = await platform.SendMessageAsync(Body(camera, message), stopping).ConfigureAwait(false);
                var ok = answer?.StatusCode is >= 200 and < 300;
                metrics.Cascade(ok ? "alarm-sent" : "alarm-unanswered");
                if (!ok)
                {
                    logger.LogWarning("GB/T 28181: the superior platform did not take the {Type} alarm of {Camera}: {Answer}", message.Type, camera.Id, answer?.ToString() ?? "no answer");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>The A.2.5 alarm notification of a camera event.</summary>
    public byte[] Body(Camera camera, EventMessage message)
    {
        var (priority, method, type) = Map(message)!.Value;
        var at = DateTimeOffset.FromUnixTimeMilliseconds(message.Ts).ToOffset(options.DeviceUtcOffset);
        var what = message.Zone ?? message.Line;
        var notify = new XElement("Notify", new XElement("CmdType", "Alarm"), new XElement("SN", client.NextSn()), new XElement("DeviceID", camera.Id),
            new XElement("AlarmPriority", priority), new XElement("AlarmMethod", method),
            new XElement("AlarmTime", RecordInfoCollector.FormatTime(at.DateTime)),
            new XElement("AlarmDescription", Trim($"{camera.Name} {message.Type}{(what is null ? "" : " " + what)}{(message.Detail is { Length: > 0 } d ? ": " + d : "")}", 128)));
        if (camera.Lon is { } lon && camera.Lat is { } lat)
        {
            notify.Add(new XElement("Longitude", lon.ToString(CultureInfo.InvariantCulture)), new XElement("Latitude", lat.ToString(CultureInfo.InvariantCulture)));
        }

        if (type is { } t)
        {
            notify.Add(new XElement("Info", new XElement("AlarmType", t)));
        }

        return ManscdpBodies.Serialize(notify);
    }

    /// <summary>Priority (1 highest, A.2.5), AlarmMethod and AlarmType of an event; null for a type with no alarm.</summary>
    private static (int Priority, int Method, int? Type)? Map(EventMessage message) => message.Type switch
    {
        EventTypes.ZoneEnter => (1, 5, 6),
        EventTypes.LineCross => (2, 5, 5),
        EventTypes.Tamper => (2, 2, 2),
        EventTypes.VideoLoss => (3, 2, 1),
        EventTypes.Fault => (3, 6, null),
        EventTypes.MotionStart => (4, 5, 2),
        _ => null,
    };

    private static string Trim(string text, int max) => text.Length > max ? text[..max] : text;
}
