using Microsoft.Extensions.Configuration;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.EdgeAgent.Configuration;

/// <summary>One device the agent hosts (an element of the <c>Devices</c> array).</summary>
public sealed class DeviceOptions
{
    /// <summary>Device ID as the gateway knows it: 1–64 of <c>A–Z a–z 0–9 - _</c>, or a GB/T 28181 20-digit code. Also the MQTT client ID and user name.</summary>
    public string Id { get; set; } = "";

    /// <summary>Wire name of the kind: <c>camera</c>, <c>water-level</c>, <c>door-access</c> or <c>warning-device</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The device's MQTT password. Never logged; <see cref="ToString"/> masks it.</summary>
    public string Secret { get; set; } = "";

    /// <summary>Name of the driver that talks to the hardware (or simulates it), e.g. <c>sim-water-level</c>.</summary>
    public string Driver { get; set; } = "";

    /// <summary>The device's <c>Settings</c> section, passed to the driver as is.</summary>
    public IConfiguration Settings { get; set; } = new ConfigurationBuilder().Build();

    /// <summary>The parsed <see cref="Kind"/>; valid once the options passed validation.</summary>
    public DeviceKind ParsedKind => DeviceKinds.TryParse(Kind, out var kind) ? kind : default;

    public override string ToString() =>
        $"Device {Id} ({Kind}, driver {Driver}, secret {(string.IsNullOrEmpty(Secret) ? "<empty>" : "***")})";
}
