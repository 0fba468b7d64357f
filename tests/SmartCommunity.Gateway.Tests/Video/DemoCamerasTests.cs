using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.WaterSafety.Spots;

namespace SmartCommunity.Gateway.Tests.Video;

/// <summary>The demo's cameras (deploy/demo-community/20-cameras.json) load, and every camera a spot names has the danger-water zone the spot expects.</summary>
public sealed class DemoCamerasTests
{
    [Fact]
    public async Task TheDemoCamerasLoadWithTheZonesTheSpotsName()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "SmartCommunity.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        var data = Directory.CreateTempSubdirectory("sc-demo-video-").FullName;
        try
        {
            await using var gateway = new GatewayFactory(data, new()
            {
                ["Seed:File"] = Path.Combine(root, "deploy", "demo-community"),
                ["Video:AllowFileUrls"] = "true",
                ["Video:RecordingEnabled"] = "false",
            }).Start();
            var catalog = gateway.Get<ICameraCatalog>();
            Assert.Equal(3, catalog.All.Count);
            foreach (var spot in gateway.Get<SpotRegistry>().Index.ById.Values)
            {
                foreach (var spotCamera in spot.Devices.Cameras ?? [])
                {
                    var camera = catalog.Find(spotCamera.Id);
                    Assert.NotNull(camera);
                    Assert.Contains(camera.Zones, z => z.Id == spotCamera.Zone && z.Kind == ZoneKinds.DangerWater);
                    Assert.Equal(spot.CellId, camera.CellId);
                }
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
