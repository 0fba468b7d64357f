using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.WaterSafety.Discharge;
using SmartCommunity.Gateway.WaterSafety.Spots;

namespace SmartCommunity.Gateway.Tests.WaterSafety;

public sealed class DemoSeedTests
{
    [Fact]
    public async Task TheDemoCommunitySeedsItsTwoRiversideSpotsAndTheReservoirAboveThem()
    {
        var data = Directory.CreateTempSubdirectory("sc-demo-ws-").FullName;
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "SmartCommunity.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        await using var gateway = new GatewayFactory(data, new() { ["Seed:File"] = Path.Combine(root, "deploy", "demo-community") }).Start();

        var spots = gateway.Get<SpotRegistry>();
        Assert.Equal("wl-hetan-beach", spots.Get("spot-hetan-beach")!.Devices.LevelStation);
        Assert.Equal(["43010200011370000002"], spots.Get("spot-hetan-bridge")!.Devices.Signs);
        var reservoir = Assert.Single(gateway.Get<DischargeScheduler>().Reservoirs);
        Assert.Equal(TimeSpan.FromMinutes(70), TravelTimes.For(reservoir.Reaches[0].Spots[0], 500));
    }
}
