using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartCommunity.EdgeAgent.Configuration;
using SmartCommunity.EdgeAgent.Diagnostics;
using SmartCommunity.EdgeAgent.Drivers.Sl651;
using SmartCommunity.Metrics;
using SmartCommunity.Sl651.Server;

namespace SmartCommunity.EdgeAgent.Hosting;

/// <summary>
/// The agent's instruments (<see cref="AgentInstruments"/>, <see cref="Sl651Instruments"/>) on this host's meters, and,
/// when <see cref="AgentOptions.MetricsUrl"/> is set, <c>GET /metrics</c> on a small Kestrel server of its own, rendered
/// by the same <see cref="PrometheusBridge"/> as the gateway's. The agent stays a plain Generic Host otherwise.
/// </summary>
public sealed partial class MetricsEndpoint(
    IMeterFactory meters, PrometheusBridge bridge, EdgeAgentService agent, Sl651Listeners sl651, IOptions<AgentOptions> options, ILogger<MetricsEndpoint> logger)
    : IHostedService, IAsyncDisposable
{
    private WebApplication? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        AgentInstruments.Publish(meters, () => agent.Devices);
        Sl651Instruments.Publish(meters, () => sl651.All.Select(l => (l.EndPoint.ToString(), l.Counters)));
        if (string.IsNullOrEmpty(options.Value.MetricsUrl))
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Value.MetricsUrl);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/metrics", async (HttpContext http) =>
        {
            http.Response.ContentType = PrometheusBridge.ContentType;
            await bridge.WriteAsync(http.Response.Body, http.RequestAborted).ConfigureAwait(false);
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _server = app;
        LogListening(logger, options.Value.MetricsUrl);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server)
        {
            await server.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { } server)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metrics on {Url}/metrics")]
    private static partial void LogListening(ILogger logger, string url);
}
