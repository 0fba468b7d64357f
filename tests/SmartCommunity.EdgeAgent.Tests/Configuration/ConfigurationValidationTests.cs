using Microsoft.Extensions.Hosting;
using SmartCommunity.EdgeAgent.Configuration;
using SmartCommunity.EdgeAgent.Hosting;
using SmartCommunity.EdgeAgent.Tests.Support;

namespace SmartCommunity.EdgeAgent.Tests.Configuration;

/// <summary>An invalid configuration stops the agent at start with messages an installer can act on.</summary>
public sealed class ConfigurationValidationTests : IDisposable
{
    private const string Secret = "hunter2-do-not-print";
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private Dictionary<string, string?> ValidConfig() => new()
    {
        ["Broker:Host"] = "127.0.0.1",
        ["Broker:Port"] = "1883",
        ["Agent:DataDirectory"] = _data.Path,
        ["Devices:0:Id"] = "demo-level-01",
        ["Devices:0:Kind"] = "water-level",
        ["Devices:0:Secret"] = Secret,
        ["Devices:0:Driver"] = "sim-water-level",
    };

    private static async Task<IReadOnlyList<string>> StartupErrorsAsync(Dictionary<string, string?> config)
    {
        var logs = new CapturingLoggerProvider();
        using var host = TestAgent.Build(config, logs, new ManualDriver());
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        var errors = EdgeAgentHostExtensions.ConfigurationErrors(ex);
        Assert.NotEmpty(errors);
        Assert.DoesNotContain(errors, e => e.Contains(Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, logs.All, StringComparison.Ordinal);
        return errors;
    }

    [Fact]
    public async Task AMissingIdIsReportedWithTheDevicesPosition()
    {
        var config = ValidConfig();
        config.Remove("Devices:0:Id");
        var error = Assert.Single(await StartupErrorsAsync(config));
        Assert.Equal("Devices[0]: Id is missing; every device needs the ID the gateway knows it by.", error);
    }

    [Fact]
    public async Task AnUnknownKindIsReportedWithTheKindsThatExist()
    {
        var config = ValidConfig();
        config["Devices:0:Kind"] = "waterlevel";
        var error = Assert.Single(await StartupErrorsAsync(config));
        Assert.Equal("Devices[0] (demo-level-01): Kind 'waterlevel' is not one of camera, water-level, door-access, warning-device.", error);
    }

    [Fact]
    public async Task ATwentyDigitIdMustBeAValidGb28181Code()
    {
        var config = ValidConfig();
        config["Devices:0:Id"] = "99020000001320000001";
        config["Devices:0:Kind"] = "camera";
        config["Devices:0:Driver"] = "sim-camera";
        var error = Assert.Single(await StartupErrorsAsync(config));
        Assert.StartsWith("Devices[0] (99020000001320000001): Id looks like a GB/T 28181 code but is not a valid one: ", error, StringComparison.Ordinal);
        Assert.Contains("province code 99", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3402000001132000001", "20 digits")]
    [InlineData("340200000113200000012", "20 digits")]
    [InlineData("3402000001132000000A", "only digits")]
    [InlineData("34020000011329000001", "network digit 9")]
    public async Task ANearlyTwentyDigitIdIsRefusedAsABadGb28181Code(string id, string reason)
    {
        var config = ValidConfig();
        config["Devices:0:Id"] = id;
        config["Devices:0:Kind"] = "camera";
        config["Devices:0:Driver"] = "sim-camera";
        var error = Assert.Single(await StartupErrorsAsync(config));
        Assert.Contains("Id looks like a GB/T 28181 code but is not a valid one", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AValidGb28181IdIsAccepted()
    {
        var config = ValidConfig();
        config["Devices:0:Id"] = "34020000011320000001";
        config["Devices:0:Kind"] = "camera";
        config["Devices:0:Driver"] = "sim-camera";
        config["Broker:Port"] = "1"; // Nothing listens there; the agent starts and keeps retrying.
        var logs = new CapturingLoggerProvider();
        using var host = TestAgent.Build(config, logs, new ManualDriver());
        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public async Task DuplicateIdsAreReportedAgainstTheFirstUse()
    {
        var config = ValidConfig();
        config["Devices:1:Id"] = "demo-level-01";
        config["Devices:1:Kind"] = "water-level";
        config["Devices:1:Secret"] = "another";
        config["Devices:1:Driver"] = "sim-water-level";
        var error = Assert.Single(await StartupErrorsAsync(config));
        Assert.Equal("Devices[1] (demo-level-01): Id 'demo-level-01' is already used by Devices[0]; every device needs its own ID (it is its MQTT client ID).", error);
    }

    [Fact]
    public async Task AnEmptySecretIsReportedWithoutPrintingAnySecret()
    {
        var config = ValidConfig();
        config["Devices:0:Secret"] = "";
        config["Devices:1:Id"] = "demo-door-01";
        config["Devices:1:Kind"] = "door-access";
        config["Devices:1:Secret"] = Secret;
        config["Devices:1:Driver"] = "sim-door-access";
        var error = Assert.Single(await StartupErrorsAsync(config));
        Assert.Equal("Devices[0] (demo-level-01): Secret is empty; the broker needs the device's password (set it in the config file or Devices__0__Secret).", error);
    }

    [Fact]
    public async Task AnUnknownDriverOrOneForAnotherKindIsReported()
    {
        var config = ValidConfig();
        config["Devices:0:Driver"] = "modbus-level";
        config["Devices:1:Id"] = "demo-door-01";
        config["Devices:1:Kind"] = "door-access";
        config["Devices:1:Secret"] = "s";
        config["Devices:1:Driver"] = "sim-camera";
        var errors = await StartupErrorsAsync(config);
        Assert.Equal(2, errors.Count);
        Assert.StartsWith("Devices[0] (demo-level-01): Driver 'modbus-level' is not registered; available drivers: camera-analysis, manual, sim-camera, ", errors[0], StringComparison.Ordinal);
        Assert.Equal("Devices[1] (demo-door-01): Driver 'sim-camera' drives camera, not door-access.", errors[1]);
    }

    [Fact]
    public async Task AnEmptyDeviceListAndABadBrokerAreAllReportedAtOnce()
    {
        var config = ValidConfig();
        foreach (var key in config.Keys.Where(k => k.StartsWith("Devices", StringComparison.Ordinal)).ToList())
        {
            config.Remove(key);
        }

        config["Broker:Port"] = "70000";
        config["Broker:ProtocolVersion"] = "4";
        var errors = await StartupErrorsAsync(config);
        Assert.Contains("Broker:Port must be between 1 and 65535.", errors);
        Assert.Contains("Broker:ProtocolVersion must be \"5.0\" or \"3.1.1\".", errors);
        Assert.Contains(errors, e => e.StartsWith("Devices: the list is empty", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASimulatorsSettingsAreCheckedAtStart()
    {
        var config = ValidConfig();
        config["Devices:0:Settings:TelemetrySeconds"] = "0";
        Assert.Equal(
            "Devices[0] (demo-level-01): Settings for driver 'sim-water-level': TelemetrySeconds = 0 must be between 0.01 and 86400.",
            Assert.Single(await StartupErrorsAsync(config)));

        config["Devices:0:Settings:TelemetrySeconds"] = "often";
        var error = Assert.Single(await StartupErrorsAsync(config));
        Assert.Contains("'Devices:0:Settings:TelemetrySeconds'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ADevicesTextFormNeverShowsItsSecret()
    {
        var device = new DeviceOptions { Id = "d", Kind = "camera", Driver = "sim-camera", Secret = Secret };
        Assert.DoesNotContain(Secret, device.ToString(), StringComparison.Ordinal);
        Assert.Contains("***", device.ToString(), StringComparison.Ordinal);
    }
}
