extern alias agent;

using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using agent::SmartCommunity.EdgeAgent.Diagnostics;
using agent::SmartCommunity.EdgeAgent.Hosting;

namespace SmartCommunity.Gateway.Tests.Support;

/// <summary>A real edge agent (the production host wiring) run in-process against a test gateway's broker.</summary>
public sealed class AgentHost : IAsyncDisposable
{
    private readonly IHost _host;

    private AgentHost(IHost host) => _host = host;

    public sealed record Device(string Id, string Kind, string Driver, Dictionary<string, string>? Settings = null);

    public static async Task<AgentHost> StartAsync(int brokerPort, string dataDirectory, params Device[] devices)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Broker:Host"] = "127.0.0.1",
            ["Broker:Port"] = brokerPort.ToString(CultureInfo.InvariantCulture),
            ["Broker:ReconnectInitialDelaySeconds"] = "0.2",
            ["Broker:ReconnectMaxDelaySeconds"] = "1",
            ["Agent:DataDirectory"] = dataDirectory,
        };
        for (var i = 0; i < devices.Length; i++)
        {
            var prefix = $"Devices:{i}:";
            settings[prefix + "Id"] = devices[i].Id;
            settings[prefix + "Kind"] = devices[i].Kind;
            settings[prefix + "Secret"] = TestCommunity.SecretOf(devices[i].Id);
            settings[prefix + "Driver"] = devices[i].Driver;
            foreach (var (key, value) in devices[i].Settings ?? [])
            {
                settings[prefix + "Settings:" + key] = value;
            }
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddEdgeAgent();
        var host = builder.Build();
        await host.StartAsync();
        return new AgentHost(host);
    }

    /// <summary>The agent's own counters for a device (queued on disk, published, replayed, …).</summary>
    public CountersSnapshot Counters(string deviceId) => _host.Services.GetRequiredService<EdgeAgentService>()[deviceId].Snapshot();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
