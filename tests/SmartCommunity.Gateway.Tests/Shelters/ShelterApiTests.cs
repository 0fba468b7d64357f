using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmartCommunity.Gateway.Tests.Support;
using static SmartCommunity.Gateway.Tests.Shelters.ShelterTestBed;

namespace SmartCommunity.Gateway.Tests.Shelters;

/// <summary>The registry API: capacity rules, hostile bodies, who sees which shelter, hostile seed entries.</summary>
public sealed class ShelterApiTests
{
    [Fact]
    public async Task CapacityIsDerivedFromAreaAndClassUnlessSetAndGuardsSeeOnlyTheirCells()
    {
        await using var gateway = new GatewayFactory(settings: Settings()).Start();
        RegisterDevices(gateway);
        await PutAsync(gateway, "gym", Body(area: 100));
        await PutAsync(gateway, "hall", Body(cell: TestCommunity.BuildingB, area: 100, capacity: 40, entrances: []));
        using var em = await gateway.LoginAsync("em");
        var gym = (await GetJsonAsync(em, "/api/shelters/gym")).GetProperty("shelter");
        Assert.Equal(66, gym.GetProperty("capacity").GetInt32()); // ⌊100 / 1.5⌋
        Assert.Equal(1.5, gym.GetProperty("areaPerPersonM2").GetDouble());
        Assert.Equal("fixed", gym.GetProperty("class").GetString());
        Assert.Equal("III", gym.GetProperty("duration").GetString());
        Assert.Equal(40, (await GetJsonAsync(em, "/api/shelters/hall")).GetProperty("shelter").GetProperty("capacity").GetInt32());

        using var guard = await gateway.LoginAsync("guard-a");
        var list = await GetJsonAsync(guard, "/api/shelters");
        Assert.Equal(["gym"], list.EnumerateArray().Select(s => s.GetProperty("shelter").GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await guard.GetAsync("/api/shelters/hall")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await guard.GetAsync("/api/shelters/redirect?from=hall")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await guard.PostAsJsonAsync("/api/shelters/gym/headcount", new { occupants = 1 })).StatusCode);

        var summary = await GetJsonAsync(em, "/api/shelters/summary");
        Assert.Equal((2, 106L), (summary.GetProperty("shelters").GetInt32(), summary.GetProperty("capacity").GetInt64()));
    }

    private static readonly (string What, string Body)[] HostileBodies =
    [
        ("not json", "{\"name\":"),
        ("an array", "[1,2,3]"),
        ("wrong type", """{"name":"X","class":"fixed","duration":"III","effectiveAreaM2":"huge","cellId":"b-a"}"""),
        ("unknown class", """{"name":"X","class":"palace","duration":"III","effectiveAreaM2":10,"cellId":"b-a"}"""),
        ("no name", """{"class":"fixed","duration":"III","effectiveAreaM2":10,"cellId":"b-a"}"""),
        ("long name", "{\"name\":\"" + new string('名', 5000) + "\",\"class\":\"fixed\",\"duration\":\"III\",\"effectiveAreaM2\":10,\"cellId\":\"b-a\"}"),
        ("negative area", """{"name":"X","class":"fixed","duration":"III","effectiveAreaM2":-5,"cellId":"b-a"}"""),
        ("absurd area", """{"name":"X","class":"fixed","duration":"III","effectiveAreaM2":1e308,"cellId":"b-a"}"""),
        ("tiny area per person", """{"name":"X","class":"fixed","duration":"III","effectiveAreaM2":10,"areaPerPersonM2":0.0001,"cellId":"b-a"}"""),
        ("negative capacity", """{"name":"X","class":"fixed","duration":"III","effectiveAreaM2":10,"capacity":-1,"cellId":"b-a"}"""),
        ("unknown cell", """{"name":"X","class":"fixed","duration":"III","effectiveAreaM2":10,"cellId":"nowhere"}"""),
        ("bad position", """{"name":"X","class":"fixed","duration":"III","effectiveAreaM2":10,"cellId":"b-a","lat":91,"lon":0}"""),
        ("unknown device", """{"name":"X","class":"fixed","duration":"III","effectiveAreaM2":10,"cellId":"b-a","entrances":[{"id":"e","sources":[{"device":"ghost"}]}]}"""),
        ("speaker counting", """{"name":"X","class":"fixed","duration":"III","effectiveAreaM2":10,"cellId":"b-a","entrances":[{"id":"e","sources":[{"device":"spk-1"}]}]}"""),
        ("camera without line", """{"name":"X","class":"fixed","duration":"III","effectiveAreaM2":10,"cellId":"b-a","entrances":[{"id":"e","sources":[{"device":"cam-s1"}]}]}"""),
        ("door with line", """{"name":"X","class":"fixed","duration":"III","effectiveAreaM2":10,"cellId":"b-a","entrances":[{"id":"e","sources":[{"device":"door-s1","line":"l"}]}]}"""),
        ("no sources", """{"name":"X","class":"fixed","duration":"III","effectiveAreaM2":10,"cellId":"b-a","entrances":[{"id":"e","sources":[]}]}"""),
        ("duplicate entrance", """{"name":"X","class":"fixed","duration":"III","effectiveAreaM2":10,"cellId":"b-a","entrances":[{"id":"e","sources":[{"device":"door-s1","door":"a"}]},{"id":"e","sources":[{"device":"door-s1","door":"b"}]}]}"""),
        ("same source twice", """{"name":"X","class":"fixed","duration":"III","effectiveAreaM2":10,"cellId":"b-a","entrances":[{"id":"e","sources":[{"device":"door-s1","door":"a"},{"device":"door-s1","door":"a"}]}]}"""),
        ("source of another shelter", """{"name":"X","class":"fixed","duration":"III","effectiveAreaM2":10,"cellId":"b-a","entrances":[{"id":"e","sources":[{"device":"door-s1","door":"main"}]}]}"""),
        ("entrance id with a slash", """{"name":"X","class":"fixed","duration":"III","effectiveAreaM2":10,"cellId":"b-a","entrances":[{"id":"a/b","sources":[{"device":"door-s2"}]}]}"""),
        ("null entrance", """{"name":"X","class":"fixed","duration":"III","effectiveAreaM2":10,"cellId":"b-a","entrances":[null]}"""),
        ("null source", """{"name":"X","class":"fixed","duration":"III","effectiveAreaM2":10,"cellId":"b-a","entrances":[{"id":"e","sources":[null]}]}"""),
    ];

    [Fact]
    public async Task HostileBodiesAreRefusedWithAReasonAndChangeNothing()
    {
        await using var gateway = new GatewayFactory(settings: Settings()).Start();
        RegisterDevices(gateway);
        await PutAsync(gateway, "gym", Body());
        using var em = await gateway.LoginAsync("em");

        foreach (var (what, body) in HostileBodies)
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            var response = await em.PutAsync("/api/shelters/x1", content);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await em.GetAsync("/api/shelters/x1")).StatusCode);
        Assert.Single((await GetJsonAsync(em, "/api/shelters")).EnumerateArray());
        Assert.Equal(20, (await GetJsonAsync(em, "/api/shelters/gym")).GetProperty("shelter").GetProperty("capacity").GetInt32());
    }

    [Fact]
    public async Task TooManyEntrancesAndBadStateBodiesAreRefused()
    {
        await using var gateway = new GatewayFactory(settings: Settings()).Start();
        RegisterDevices(gateway);
        await PutAsync(gateway, "gym", Body());
        using var em = await gateway.LoginAsync("em");
        var entrances = Enumerable.Range(0, 33).Select(i => new { id = $"e{i}", sources = new[] { new { device = DoorB, door = $"d{i}" } } }).ToArray();
        var response = await em.PutAsJsonAsync("/api/shelters/x2", Body(entrances: entrances));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("At most 32 entrances", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await em.PutAsJsonAsync("/api/shelters/bad%20id", Body(entrances: []))).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await em.PostAsJsonAsync("/api/shelters/gym/state", new { note = "no open" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await em.PostAsJsonAsync("/api/shelters/gym/state", new { open = false, note = new string('n', 501) })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await em.PostAsJsonAsync("/api/shelters/none/state", new { open = true })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await em.GetAsync("/api/shelters/redirect")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await em.GetAsync("/api/shelters/redirect?lat=95&lon=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await em.GetAsync("/api/shelters/redirect?lat=28&lon=112&people=0")).StatusCode);

        // Re-saving keeps the open state: only the audited state endpoint changes it.
        (await em.PostAsJsonAsync("/api/shelters/gym/state", new { open = false })).EnsureSuccessStatusCode();
        await PutAsync(gateway, "gym", Body(open: true));
        Assert.False((await GetJsonAsync(em, "/api/shelters/gym")).GetProperty("shelter").GetProperty("open").GetBoolean());
    }

    [Fact]
    public async Task BadSeedEntriesAreRefusedOneByOneWhileTheGoodOnesApply()
    {
        var data = Directory.CreateTempSubdirectory("sc-shelter-seed-").FullName;
        var folder = Directory.CreateDirectory(Path.Combine(data, "seed")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "10-community.json"), TestCommunity.Json());
        await File.WriteAllTextAsync(Path.Combine(folder, "30-shelters.json"), JsonSerializer.Serialize(new
        {
            shelters = new object[]
            {
                new { id = "good", name = "Good", @class = "central", duration = "I", effectiveAreaM2 = 1000, cellId = TestCommunity.BuildingA, lat = 28.19, lon = 112.97, open = true,
                    entrances = new[] { new { id = "door", sources = new[] { new { device = TestCommunity.DoorUnit } } } } },
                new { id = "bad/id", name = "Bad", @class = "central", duration = "I", effectiveAreaM2 = 10, cellId = TestCommunity.BuildingA },
                new { id = "no-area", name = "No area", @class = "central", duration = "I", cellId = TestCommunity.BuildingA, lat = 28.19, lon = 112.97 },
                new { id = "thief", name = "Steals a source", @class = "fixed", duration = "II", effectiveAreaM2 = 10, cellId = TestCommunity.BuildingA, lat = 28.19, lon = 112.97,
                    entrances = new[] { new { id = "door", sources = new[] { new { device = TestCommunity.DoorUnit } } } } },
                "a string, not an object",
            },
        }));
        var logs = new List<string>();
        await using var gateway = new GatewayFactory(data, new() { ["Seed:File"] = folder },
            s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(new ListLoggerProvider(logs))).Start();
        using var em = await gateway.LoginAsync("em");
        var ids = (await GetJsonAsync(em, "/api/shelters")).EnumerateArray().Select(s => s.GetProperty("shelter").GetProperty("id").GetString()).ToList();
        string[] seedErrors;
        lock (logs)
        {
            seedErrors = [.. logs.Where(l => l.Contains("shelters", StringComparison.Ordinal) && l.StartsWith("Error", StringComparison.Ordinal))];
        }

        Assert.True(ids.SequenceEqual(["good"]), string.Join("\n", seedErrors));
        Assert.Equal(4, seedErrors.Length);
        Assert.Contains(seedErrors, e => e.Contains("shelter 'thief'", StringComparison.Ordinal) && e.Contains("already counts for another entrance", StringComparison.Ordinal));
        var good = (await GetJsonAsync(em, "/api/shelters/good")).GetProperty("shelter");
        Assert.Equal(500, good.GetProperty("capacity").GetInt32()); // central: 2 m² per person by default
        Assert.True(good.GetProperty("open").GetBoolean());
    }
}
