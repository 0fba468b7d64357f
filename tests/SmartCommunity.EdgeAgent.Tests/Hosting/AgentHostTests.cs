using Microsoft.Extensions.Configuration;
using SmartCommunity.EdgeAgent.Configuration;
using SmartCommunity.EdgeAgent.Hosting;
using SmartCommunity.EdgeAgent.Tests.Support;

namespace SmartCommunity.EdgeAgent.Tests.Hosting;

public sealed class AgentHostTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task TwoAgentsCannotHostTheSameDeviceFromOneDataDirectory()
    {
        // Port 1: nothing listens, the agents start and keep retrying; that is enough here.
        var config = TestAgent.Config(1, _data.Path);
        await using var first = await TestAgent.StartAsync(config);

        using var second = TestAgent.Build(config, new CapturingLoggerProvider(), new ManualDriver());
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => second.StartAsync());
        Assert.Contains("in use by another agent process", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryStartOfTheAgentIncrementsTheBootOfEachDevice()
    {
        var config = TestAgent.Config(1, _data.Path);
        long firstBoot;
        await using (var first = await TestAgent.StartAsync(config))
        {
            firstBoot = first.Device("dev-1").Boot;
        }

        await using var second = await TestAgent.StartAsync(config);
        Assert.Equal(firstBoot + 1, second.Device("dev-1").Boot);
    }

    [Fact]
    public void TheConfigFileGivenWithConfigIsReadAndEnvironmentVariablesStillOverrideIt()
    {
        var file = Path.Combine(_data.Path, "agent.json");
        File.WriteAllText(file, """
            { "Broker": { "Host": "gateway.local", "Port": 8883 },
              "Devices": [ { "Id": "demo-level-01", "Kind": "water-level", "Secret": "from-file", "Driver": "sim-water-level",
                             "Settings": { "TelemetrySeconds": 5, "Surge": { "Nested": true } } } ] }
            """);
        const string variable = "Devices__0__Secret";
        Environment.SetEnvironmentVariable(variable, "from-environment");
        try
        {
            var configuration = new ConfigurationManager();
            configuration.AddAgentConfigFile(["--config", file]);

            var devices = new DevicesOptions();
            DevicesOptions.Bind(devices, configuration);
            var device = Assert.Single(devices.Devices);
            Assert.Equal(("demo-level-01", "from-environment"), (device.Id, device.Secret));
            Assert.Equal("5", device.Settings["TelemetrySeconds"]);
            Assert.Equal("gateway.local", configuration["Broker:Host"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void AConfigFileThatDoesNotExistIsNamedInTheError()
    {
        var missing = Path.Combine(_data.Path, "nope.json");
        var ex = Assert.Throws<FileNotFoundException>(() => new ConfigurationManager().AddAgentConfigFile([$"--config={missing}"]));
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheShippedExampleConfigurationIsValid()
    {
        var example = Path.Combine(AppContext.BaseDirectory, "agent.example.json");
        var configuration = new ConfigurationManager();
        configuration.AddAgentConfigFile(["--config", example]);
        configuration["Agent:DataDirectory"] = _data.Path;
        using var host = TestAgent.Build(configuration.AsEnumerable().ToDictionary(kv => kv.Key, kv => kv.Value), new CapturingLoggerProvider(), new ManualDriver());
        Assert.Empty(EdgeAgentHostExtensions.ValidateConfiguration(host.Services));
    }
}
