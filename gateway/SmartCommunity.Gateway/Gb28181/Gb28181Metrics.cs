using SmartCommunity.Gateway.Infrastructure.Metrics;

namespace SmartCommunity.Gateway.Gb28181;

/// <summary>Counters of the GB/T 28181 server, each refusal with its reason (the label).</summary>
public sealed class Gb28181Metrics(MetricsRegistry metrics)
{
    /// <summary>A message refused or dropped: malformed, oversized, unknown device, flood, wrong digest, …</summary>
    public void Refused(string reason) =>
        metrics.Counter("sc_gb28181_refused_total", "GB/T 28181 messages refused or dropped, by reason.", ("reason", reason)).Inc();

    public void Registration(string result) =>
        metrics.Counter("sc_gb28181_registrations_total", "GB/T 28181 REGISTER outcomes (registered, unregistered, challenged, refused).", ("result", result)).Inc();

    public void Message(string cmdType) =>
        metrics.Counter("sc_gb28181_messages_total", "MANSCDP messages accepted from devices, by CmdType.", ("cmd", cmdType)).Inc();

    public void Presence(string change) =>
        metrics.Counter("sc_gb28181_presence_total", "GB/T 28181 devices going offline or online, by cause.", ("cause", change)).Inc();

    /// <summary>RTP and PS counts of live streams: packets, reordered, lost, late, duplicate, foreign source/SSRC, malformed, resyncs.</summary>
    public void Media(string result, long amount = 1)
    {
        if (amount > 0)
        {
            metrics.Counter("sc_gb28181_media_total", "GB/T 28181 media received, absorbed or refused (RTP packets, PS units), by result.", ("result", result)).Add(amount);
        }
    }

    public void Stream(string change) =>
        metrics.Counter("sc_gb28181_streams_total", "GB/T 28181 live streams: invited, answered, refused, failed, ended (BYE sent or received).", ("change", change)).Inc();

    /// <summary>A channel that became a camera: <c>recorded</c> (and analysed) by default, or <c>not-recorded</c> (beyond RecordFirstChannels).</summary>
    public void NewChannel(string defaults) =>
        metrics.Counter("sc_gb28181_new_channels_total", "GB/T 28181 channels that became cameras, by their default (recorded or not-recorded).", ("default", defaults)).Inc();

    /// <summary>The cascade to the superior platform: registered, keepalive, catalog-sent, register-refused, …</summary>
    public void Cascade(string result) =>
        metrics.Counter("sc_gb28181_cascade_total", "GB/T 28181 cascade to the superior platform: registrations, keepalives, catalog answers, by result.", ("result", result)).Inc();

    /// <summary>RTP packets sent to the superior platform (live video upward).</summary>
    public void UpstreamPackets(long amount)
    {
        if (amount > 0)
        {
            metrics.Counter("sc_gb28181_upstream_rtp_packets_total", "RTP packets of live video sent to the superior GB/T 28181 platform.").Add(amount);
        }
    }

    public void Gauge(string name, string help, Func<double> read) => metrics.Gauge(name, help, read);
}
