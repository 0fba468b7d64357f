using SmartCommunity.TimeSeries.Hosting;
using SmartCommunity.TimeSeries.Tests.Support;

namespace SmartCommunity.TimeSeries.Tests.Integration;

public sealed class InfluxDbProcessTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task AMissingInfluxdFailsWithTheDebianPackageToInstall()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => InfluxDbProcess.StartAsync(_temp.Sub("x"), executable: "/nonexistent/influxd"));
        Assert.Contains("apt-get install influxdb", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheServerListensOnRandomLoopbackPortsAndRestartsOnTheSameOnes()
    {
        await using var server = await InfluxDbProcess.StartAsync(_temp.Sub("influx"));
        Assert.NotEqual(8086, server.HttpPort);
        Assert.NotEqual(8088, server.RpcPort);
        Assert.Contains($"bind-address = \"127.0.0.1:{server.RpcPort}\"", await File.ReadAllTextAsync(Path.Combine(server.RootDirectory, "influxdb.conf")), StringComparison.Ordinal);
        await server.CreateDatabaseAsync("keep");

        await server.StopAsync();
        Assert.False(server.IsRunning);
        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(server.Url, "ping")));

        await server.StartAsync();
        var databases = await http.GetStringAsync(new Uri(server.Url, "query?q=SHOW%20DATABASES"));
        Assert.Contains("keep", databases, StringComparison.Ordinal);
    }
}
