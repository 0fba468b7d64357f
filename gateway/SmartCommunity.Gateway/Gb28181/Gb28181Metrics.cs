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

    public void Gauge(string name, string help, Func<double> read) => metrics.Gauge(name, help, read);
}
