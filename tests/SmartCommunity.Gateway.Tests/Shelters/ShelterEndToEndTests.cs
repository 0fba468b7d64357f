using Microsoft.Extensions.DependencyInjection;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Shelters.Occupancy;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Testing;
using static SmartCommunity.Gateway.Tests.Shelters.ShelterTestBed;

namespace SmartCommunity.Gateway.Tests.Shelters;

/// <summary>
/// One shelter fed by a door unit through the real edge agent (its simulator, disk queue and MQTT) and by a
/// camera's counting line (line_cross events published as the camera, as the frame path does), across a restart.
/// </summary>
public sealed class ShelterEndToEndTests : IAsyncLifetime
{
    private readonly RecordingHandler _recorder = new();
    private readonly string _agentData = Directory.CreateTempSubdirectory("sc-agent-shelter-").FullName;
    private GatewayFactory _gateway = null!;

    private static readonly AgentHost.Device Door = new(TestCommunity.DoorUnit, "door-access", "sim-door-access",
        new() { ["Seed"] = "5", ["Door"] = "north", ["DeniedRatio"] = "0", ["Schedule:0:FromHour"] = "0", ["Schedule:0:InPerHour"] = "40000", ["Schedule:0:OutPerHour"] = "10000" });

    public Task InitializeAsync()
    {
        _gateway = new GatewayFactory(settings: Settings(), services: s => s.AddSingleton<IDeviceMessageHandler>(_recorder)).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        Directory.Delete(_agentData, recursive: true);
    }

    [Fact]
    public async Task DoorUnitsThroughTheAgentAndACameraLineFeedTheSameShelterAndTheCountSurvivesARestart()
    {
        await PutAsync(_gateway, "hall", Body(cell: TestCommunity.BuildingB, area: 15_000, entrances:
        [
            new { id = "north-door", sources = new object[] { new { device = TestCommunity.DoorUnit, door = "north" } } },
            new { id = "south-gate", sources = new object[] { new { device = TestCommunity.Camera, line = "south" } } },
        ]));

        var agent = await AgentHost.StartAsync(_gateway.MqttPort, _agentData, Door);
        try
        {
            await Eventually.TrueAsync(() => DoorPassages().In >= 20, TimeSpan.FromSeconds(30), "the simulated door counts people");
        }
        finally
        {
            await agent.DisposeAsync();
        }

        using (var camera = await _gateway.ConnectDeviceAsync(TestCommunity.Camera))
        {
            for (var seq = 1; seq <= 7; seq++)
            {
                await camera.PublishEventAsync(TestCommunity.Camera, Crossing(seq, seq <= 5 ? "in" : "out", line: "south"));
            }

            await camera.PublishEventAsync(TestCommunity.Camera, Crossing(8, "in", line: "elsewhere")); // not a counting line of this shelter
        }

        var expected = DoorPassages();
        var settled = await SettledAsync(_gateway, "hall", o => o.Entrances[0].In == expected.In && o.Entrances[0].Out == expected.Out && o.Entrances[1].In == 5,
            "every passage the gateway accepted from the agent, and the camera's crossings, are counted");
        Assert.Equal((5L, 2L), (settled.Entrances[1].In, settled.Entrances[1].Out));
        Assert.Equal(Math.Max(0, expected.In - expected.Out + 3), settled.Occupants);

        await _gateway.DisposeAsync();
        _gateway = _gateway.Reopen(Settings(), s => s.AddSingleton<IDeviceMessageHandler>(_recorder)).Start();
        var counter = _gateway.Get<ShelterCounter>();
        await counter.FlushAsync();
        Assert.Equal(settled.Occupants, counter.Occupancy("hall")!.Occupants);
    }

    private (long In, long Out) DoorPassages()
    {
        var passages = _recorder.Events.Where(e => e.Device == TestCommunity.DoorUnit && e.Message.Type == EventTypes.Passage).Select(e => e.Message).ToList();
        return (passages.Where(p => p.Direction == "in").Sum(p => (long)(p.Count ?? 1)), passages.Where(p => p.Direction == "out").Sum(p => (long)(p.Count ?? 1)));
    }
}

/// <summary>The demo community's shelters (deploy/demo-community/30-shelters.json) load without a refused entry.</summary>
public sealed class ShelterDemoSeedTests
{
    [Fact]
    public async Task TheDemoSeedHasTheSchoolGymCountedByItsGateDoorAndItsWalkwayCameraAndTwoClosedShelters()
    {
        var data = Directory.CreateTempSubdirectory("sc-demo-shelters-").FullName;
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "SmartCommunity.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        await using var gateway = new GatewayFactory(data, new() { ["Seed:File"] = Path.Combine(root, "deploy", "demo-community") }).Start();
        var shelters = gateway.Get<SmartCommunity.Gateway.Shelters.ShelterRegistry>();
        var gym = shelters.Get("school-gym")!;
        Assert.Equal(800, gym.Capacity); // 1 200 m² at 1.5 m² per person
        Assert.Equal(["door:43010200011340000001/east-gate"], gym.Entrances[0].Sources.Select(s => s.Key));
        Assert.Equal(["line:43010200011320000003/school-gate"], gym.Entrances[1].Sources.Select(s => s.Key));
        Assert.True(gym.Open);
        Assert.Equal(3000, shelters.Get("binhe-square")!.Capacity);
        Assert.Equal(2500, shelters.Get("community-centre")!.Capacity);
        Assert.False(shelters.Get("community-centre")!.Open);
    }
}
