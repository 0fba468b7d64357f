using SmartCommunity.TimeSeries.Hosting;

namespace SmartCommunity.TimeSeries.Tests.Support;

/// <summary>One real influxd (Debian package <c>influxdb</c>, 1.6.7) per test class, on random loopback ports.</summary>
public sealed class InfluxServerFixture : IAsyncLifetime
{
    private InfluxDbProcess? _server;

    public InfluxDbProcess Server => _server ?? throw new InvalidOperationException("influxd is not running.");

    public async Task InitializeAsync() => _server = await InfluxDbProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>Counts the lines of every write InfluxDB acknowledged: proof that no accepted batch was sent twice.</summary>
public sealed class AcknowledgedLinesCounter() : DelegatingHandler(new SocketsHttpHandler())
{
    private long _acknowledged;

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var lines = 0;
        if (request.Content is not null && request.RequestUri!.AbsolutePath.EndsWith("/write", StringComparison.Ordinal))
        {
            var body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
            lines = body.Count(b => b == (byte)'\n');
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            Interlocked.Add(ref _acknowledged, lines);
        }

        return response;
    }
}
