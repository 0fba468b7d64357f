using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SmartCommunity.EdgeAgent.Devices;
using SmartCommunity.EdgeAgent.Hosting;

namespace SmartCommunity.EdgeAgent.Tests.Support;

/// <summary>The agent as Program.cs builds it, with in-memory configuration, captured logs and the manual driver.</summary>
public sealed class TestAgent : IAsyncDisposable
{
    private TestAgent(IHost host, CapturingLoggerProvider logs, ManualDriver driver)
    {
        Host = host;
        Logs = logs;
        Driver = driver;
    }

    public IHost Host { get; }

    public CapturingLoggerProvider Logs { get; }

    /// <summary>The manual driver instance (shared by every device that uses it).</summary>
    public ManualDriver Driver { get; }

    public EdgeAgentService Agent => Host.Services.GetRequiredService<EdgeAgentService>();

    public DeviceRuntime Device(string id) => Agent[id];

    /// <summary>Configuration for one device on the given broker port, with fast reconnects.</summary>
    public static Dictionary<string, string?> Config(int port, string dataDirectory, string deviceId = "dev-1", string kind = "door-access", string driver = ManualDriver.Name) => new()
    {
        ["Broker:Host"] = "127.0.0.1",
        ["Broker:Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["Broker:ReconnectInitialDelaySeconds"] = "0.05",
        ["Broker:ReconnectMaxDelaySeconds"] = "0.5",
        ["Broker:TimeoutSeconds"] = "5",
        ["Agent:DataDirectory"] = dataDirectory,
        ["Agent:StatsIntervalSeconds"] = "0",
        ["Devices:0:Id"] = deviceId,
        ["Devices:0:Kind"] = kind,
        ["Devices:0:Secret"] = "secret-" + deviceId,
        ["Devices:0:Driver"] = driver,
    };

    public static IHost Build(IDictionary<string, string?> config, CapturingLoggerProvider logs, ManualDriver driver)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        builder.AddEdgeAgent();
        builder.Services.AddDeviceDriver(ManualDriver.Name, _ => driver);
        return builder.Build();
    }

    public static async Task<TestAgent> StartAsync(IDictionary<string, string?> config, ManualDriver? driver = null)
    {
        var logs = new CapturingLoggerProvider();
        driver ??= new ManualDriver();
        var host = Build(config, logs, driver);
        await host.StartAsync();
        return new TestAgent(host, logs, driver);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Host.StopAsync(timeout.Token);
        if (Host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else
        {
            Host.Dispose();
        }
    }
}
