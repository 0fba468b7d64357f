using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using MQTTnet.AspNetCore;

namespace SmartCommunity.Gateway.Broker;

/// <summary>
/// The <see cref="BrokerTransport.Kestrel"/> variant of the plain MQTT port: a Kestrel server of its own (no HTTP,
/// only a connection handler), so the gateway's HTTP endpoints and their configured URLs stay as they are. Every
/// connection goes to MQTTnet.AspNetCore's <see cref="MqttConnectionHandler"/>, which reads packets straight from
/// Kestrel's pipe; the handler is one of the MQTT server's adapters, so sessions, interception and the ACL are the same.
/// </summary>
internal sealed class KestrelMqttListener : IAsyncDisposable
{
    private readonly IHost _host;

    private KestrelMqttListener(IHost host, int port)
    {
        _host = host;
        BoundPort = port;
    }

    public int BoundPort { get; }

    public static async Task<KestrelMqttListener> StartAsync(IPEndPoint endpoint, MqttConnectionHandler handler, bool noDelay, CancellationToken cancellationToken)
    {
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .ConfigureWebHost(web => web
                .UseKestrel(kestrel =>
                {
                    kestrel.AddServerHeader = false;
                    kestrel.Listen(endpoint, listen => listen.Run(handler.OnConnectedAsync));
                })
                .UseSockets(sockets => sockets.NoDelay = noDelay)
                .Configure(_ => { }))
            .Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        var bound = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => new Uri(a.Replace("*", "localhost", StringComparison.Ordinal)).Port).FirstOrDefault() ?? endpoint.Port;
        return new KestrelMqttListener(host, bound);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _host.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
