using System.Net;
using MQTTnet;
using MQTTnet.Adapter;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Broker;

/// <summary>
/// Issue 19: five wrong passwords from anyone locked a device out before its right password was checked. Failures
/// now count per (source address, name); the stranger connects from 127.0.0.2 (loopback, bound as the client's local
/// address), the device from 127.0.0.1, over real MQTT to the real broker.
/// </summary>
public sealed class LoginThrottlingTests : IAsyncLifetime
{
    private static readonly IPAddress Stranger = IPAddress.Parse("127.0.0.2");
    private GatewayFactory _gateway = null!;

    public Task InitializeAsync()
    {
        _gateway = new GatewayFactory().Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private async Task<MqttClientConnectResultCode> ConnectAsync(string user, string password, IPAddress from)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithEndPoint(new IPEndPoint(IPAddress.Loopback, _gateway.MqttPort))
            .WithTcpServer(o => o.LocalEndpoint = new IPEndPoint(from, 0))
            .WithClientId(user)
            .WithCredentials(user, password)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        try
        {
            return (await client.ConnectAsync(options)).ResultCode;
        }
        catch (MqttConnectingFailedException)
        {
            return MqttClientConnectResultCode.UnspecifiedError; // a refusal that did not come as a CONNACK
        }
    }

    private double Metric(string series)
    {
        var line = _gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render().Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task AStrangersWrongPasswordsDoNotLockOutADeviceConnectingFromItsOwnAddress()
    {
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(TestCommunity.DoorUnit, "guess-" + i, Stranger));
        }

        // The stranger's address is refused for this name even with the right secret: guessing stays slow…
        var strangerWithTheSecret = await ConnectAsync(TestCommunity.DoorUnit, TestCommunity.SecretOf(TestCommunity.DoorUnit), Stranger);
        // …and the device from its own address gets in.
        var device = await ConnectAsync(TestCommunity.DoorUnit, TestCommunity.SecretOf(TestCommunity.DoorUnit), IPAddress.Loopback);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, strangerWithTheSecret);
        Assert.Equal(MqttClientConnectResultCode.Success, device);
        Assert.Equal(46, Metric("sc_broker_connect_refused_total{reason=\"throttled\"}"));
        Assert.Equal(5, Metric("sc_auth_failures_total{channel=\"mqtt\"}"));
    }

    [Fact]
    public async Task ABurstOfFailuresForOneNameIsCountedAsBruteForceAndRaisesAnAlert()
    {
        // From several addresses, so no single one is throttled: every try is a real failure.
        for (var i = 0; i < 20; i++)
        {
            var from = IPAddress.Parse("127.0.1." + (1 + (i / 4)).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(TestCommunity.LevelStation, "guess-" + i, from));
        }

        Assert.Equal(20, Metric("sc_auth_failures_total{channel=\"mqtt\"}"));
        Assert.Equal(0, Metric("sc_broker_connect_refused_total{reason=\"throttled\"}"));
        Assert.Equal(1, Metric("sc_auth_brute_force_total{target=\"name\"}"));
        using var admin = await _gateway.LoginAsync("admin");
        await Eventually.TrueAsync(async () =>
        {
            var alerts = await admin.GetStringAsync("/api/alerts");
            return alerts.Contains("brute_force", StringComparison.Ordinal) && alerts.Contains(TestCommunity.LevelStation, StringComparison.Ordinal);
        }, because: "a brute_force alert names the level station");
    }
}
