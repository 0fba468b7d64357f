using System.Net;
using System.Text;
using System.Text.Json;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Http;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.WaterSafety.Discharge;
using SmartCommunity.Gateway.WaterSafety.Spots;

namespace SmartCommunity.Gateway.Tests.Fuzzing;

/// <summary>Inputs the in-process API body and seed fuzz targets found (issue 19); each once threw or slipped through.</summary>
public sealed class GatewayFuzzRegressionTests
{
    private static readonly SpotRequest GoodSpot = new("沙洲滩", GatewayFuzzInputs.BuildingA, 28.2, 112.97, "reach-1", new LevelThresholds(30, 31, 32), new RiseThresholds(0.3, 1.0),
        new RiskTimes(["16:00-19:00"], ["07-01..08-31"], true), new SpotDevices(GatewayFuzzInputs.LevelStation, [new SpotCamera(GatewayFuzzInputs.Camera, "z1")], [GatewayFuzzInputs.Speaker], [], []));

    [Fact]
    public void TheGoodSpotIsAccepted() =>
        Assert.Null(SpotRules.Check("fuzz-spot", GoodSpot, GatewayFuzzInputs.FuzzGrid, GatewayFuzzInputs.DeviceOf, out _));

    // Was NullReferenceException in RiskCalendar: a 500 from the API, an unnamed exception stopping the seed.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ANullRiskHourOrSeasonIsRefusedWithAReason(bool hours)
    {
        var times = hours ? new RiskTimes(["16:00-19:00", null!], [], false) : new RiskTimes([], [null!], false);
        var error = SpotRules.Check("fuzz-spot", GoodSpot with { RiskTimes = times }, GatewayFuzzInputs.FuzzGrid, GatewayFuzzInputs.DeviceOf, out var spot);
        Assert.Null(spot);
        Assert.Contains("'null'", error, StringComparison.Ordinal);
    }

    // Was ArgumentNullException from the registry's dictionary: a lookup of a null device ID.
    [Theory]
    [InlineData("camera without id")]
    [InlineData("null camera")]
    [InlineData("null loudspeaker")]
    [InlineData("null sign")]
    public void ASpotDeviceWithoutAnIdIsRefusedWithAReason(string which)
    {
        var devices = GoodSpot.Devices! with
        {
            Cameras = which switch { "camera without id" => [new SpotCamera(null!, "z1")], "null camera" => [null!], _ => [] },
            Loudspeakers = which == "null loudspeaker" ? [null!] : [],
            Signs = which == "null sign" ? [null!] : [],
        };
        var error = SpotRules.Check("fuzz-spot", GoodSpot with { Devices = devices }, GatewayFuzzInputs.FuzzGrid, GatewayFuzzInputs.DeviceOf, out var spot);
        Assert.Null(spot);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public async Task TheApiAnswersANullSeasonWith400InvalidSpotNot500()
    {
        await using var gateway = new GatewayFactory().Start();
        using var wa = await gateway.LoginAsync("wa");
        var body = """
            {"name":"沙洲滩","cellId":"b-a","lat":28.2,"lon":112.97,"levels":{"normalM":30,"warningM":31,"dangerM":32},
             "rise":{"warningMPerHour":0.3,"dangerMPerHour":1.0},"riskTimes":{"dailyHours":["16:00-19:00"],"seasons":[null],"weekends":true}}
            """;
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await wa.PutAsync("/api/water/spots/fuzz-spot", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Contains("invalid_spot", text, StringComparison.Ordinal);
    }

    // Was skipped in silence: JSON null reads as no item, and SeedJson.Items only reported exceptions.
    [Fact]
    public void ASeedEntryOfNullIsAnErrorLineAndTheNextEntryStillReads()
    {
        using var section = JsonDocument.Parse("""[null, {"id":"fuzz-cell","parentId":"p1","level":"Building","name":"楼 F"}]""");
        var errors = new List<string>();
        var cells = CellSeedSection.Read(section.RootElement, errors).ToList();
        Assert.Equal("fuzz-cell", Assert.Single(cells).Id);
        Assert.StartsWith("entry 0: null", Assert.Single(errors), StringComparison.Ordinal);
    }

    // Was accepted: System.Text.Json reads a dictionary's keys with ReadAsPropertyName, which the converter did not override.
    [Theory]
    [InlineData("\\u0000")]
    [InlineData("a\\u0000b")]
    public void ANulInAnAttributeKeyIsRefusedWhileTheBodyOrSeedEntryIsRead(string key)
    {
        var json = $$"""{"kind":"door-access","name":"东门","cellId":"b-b","attributes":{"doors":"main","{{key}}":"x"},"secret":"a-secret-long-enough"}""";
        var api = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiProblemSetup.ConfigureBodies(api);
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<DeviceRequest>(json, api));
        Assert.Contains("U+0000", error.Message, StringComparison.Ordinal);

        using var section = JsonDocument.Parse($"[{json.Replace("{\"kind\"", "{\"id\":\"fuzz-device\",\"kind\"", StringComparison.Ordinal)}]");
        var errors = new List<string>();
        Assert.Empty(DeviceSeedSection.Read(section.RootElement, errors));
        Assert.Contains("U+0000", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void AnAttributeKeyWithoutNulStillReadsAndWritesBack()
    {
        var api = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiProblemSetup.ConfigureBodies(api);
        var request = JsonSerializer.Deserialize<DeviceRequest>("""{"kind":"door-access","name":"东门","attributes":{"doors":"main","楼层":"1"}}""", api)!;
        Assert.Equal("1", request.Attributes!["楼层"]);
        var back = JsonSerializer.Deserialize<Dictionary<string, string>>(JsonSerializer.Serialize(request.Attributes, api), api)!;
        Assert.Equal(request.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal), back.OrderBy(a => a.Key, StringComparer.Ordinal));
    }

    // Found by reading the reservoir checks while adding their targets: each of these threw or was accepted.
    [Theory]
    [InlineData("""{"name":"库","reaches":[null]}""")]
    [InlineData("""{"name":"库","reaches":[{"id":"r1","name":"下游","spots":[null]}]}""")]
    [InlineData("""{"name":"库","reaches":[{"id":"r1","name":"下游","spots":[{"bands":[{"maxFlowM3s":200,"travelMinutes":90}]}]}]}""")]
    [InlineData("""{"name":"库","reaches":[{"id":"r1","name":"下游","spots":[{"spotId":"spot-a","bands":[null]}]}]}""")]
    [InlineData("""{"name":"库","reaches":[{"id":"r1","name":"下游","communities":[null]}]}""")]
    [InlineData("""{"name":"库","lat":1e308,"lon":113.0,"reaches":[]}""")]
    [InlineData("""{"name":"库","reaches":[{"name":"下游","spots":[]}]}""")]
    [InlineData("""{"name":"库","reaches":[{"id":"r 1/..","name":"下游","spots":[]}]}""")]
    public void AReservoirWithANullPartOrAPositionOffTheEarthIsRefusedWithAReason(string body)
    {
        var api = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiProblemSetup.ConfigureBodies(api);
        var reservoir = JsonSerializer.Deserialize<Reservoir>(body, api)! with { Id = "fuzz-reservoir" };
        var error = DischargeScheduler.CheckReservoir(reservoir, GatewayFuzzInputs.FuzzGrid, GatewayFuzzInputs.SpotExists);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void AReservoirOrReachNameOfSixtyThousandCharactersIsRefused()
    {
        var api = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiProblemSetup.ConfigureBodies(api);
        var good = JsonSerializer.Deserialize<Reservoir>(GatewayFuzzInputs.ReservoirBody.ToJson(), api)! with { Id = "fuzz-reservoir" };
        var long60k = new string('库', 60_000);
        Assert.Contains("at most 100", DischargeScheduler.CheckReservoir(good with { Name = long60k }, GatewayFuzzInputs.FuzzGrid, GatewayFuzzInputs.SpotExists));
        Assert.Contains("at most 100", DischargeScheduler.CheckReservoir(good with { Reaches = [good.Reaches[0] with { Name = long60k }] }, GatewayFuzzInputs.FuzzGrid, GatewayFuzzInputs.SpotExists));
    }

    [Fact]
    public void TheGoodReservoirIsAccepted()
    {
        var api = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiProblemSetup.ConfigureBodies(api);
        var reservoir = JsonSerializer.Deserialize<Reservoir>(GatewayFuzzInputs.ReservoirBody.ToJson(), api)! with { Id = "fuzz-reservoir" };
        Assert.Null(DischargeScheduler.CheckReservoir(reservoir, GatewayFuzzInputs.FuzzGrid, GatewayFuzzInputs.SpotExists));
    }
}
