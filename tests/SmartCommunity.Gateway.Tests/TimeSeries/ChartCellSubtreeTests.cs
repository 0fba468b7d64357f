using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Security;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.TimeSeries;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Gateway.Tests.TimeSeries;

/// <summary>
/// The chart API's <c>cell</c> filter is the cell's subtree: a compound's chart includes its buildings. Guards still see
/// only their own cells. Readings go through the real broker into the embedded store.
/// </summary>
public sealed class ChartCellSubtreeTests : IAsyncLifetime
{
    private const string CompoundGuard = "guard-p1";
    private GatewayFactory Gateway { get; } = new();
    private string _range = "";
    private string _lastAnswer = "";

    public async Task InitializeAsync()
    {
        Gateway.Start();
        Assert.Null(Gateway.Get<GridRegistry>().UpsertPerson(
            new Person(CompoundGuard, CompoundGuard, Roles.Guard, Duty.Guard, [TestCommunity.Compound], null, null, true), SecretHasher.Hash(TestCommunity.Password, 10_000)));

        // Battery readings: three from the level station in building A, two from the door unit in building B.
        var now = Payloads.NowMs;
        using var level = await Gateway.ConnectDeviceAsync(TestCommunity.LevelStation);
        using var door = await Gateway.ConnectDeviceAsync(TestCommunity.DoorUnit);
        for (var i = 0; i < 3; i++)
        {
            await level.PublishAsync(TopicScheme.Telemetry(TestCommunity.LevelStation), Battery(i + 1, now - (i * 1000), 12.0, ""","level_m":30.5"""));
        }

        for (var i = 0; i < 2; i++)
        {
            await door.PublishAsync(TopicScheme.Telemetry(TestCommunity.DoorUnit), Battery(i + 1, now - (i * 1000), 6.0));
        }

        _range = string.Create(CultureInfo.InvariantCulture, $"from={now - 3_600_000}&to={now + 60_000}&interval=1h");
        var writer = Gateway.Get<IPointWriter>();
        try
        {
            await SmartCommunity.Testing.Eventually.TrueAsync(async () =>
            {
                await writer.FlushAsync();
                return await CountAsync("ps", TestCommunity.Community) == 5;
            }, because: "all five readings are stored");
        }
        catch (TimeoutException ex)
        {
            throw new InvalidOperationException("The readings were not all stored; the last chart answer was " + _lastAnswer, ex);
        }
    }

    public async Task DisposeAsync() => await Gateway.DisposeAsync();

    [Theory]
    [InlineData("ps", TestCommunity.Community, 5)]
    [InlineData("ps", TestCommunity.Compound, 5)]
    [InlineData("ps", TestCommunity.BuildingA, 3)]
    [InlineData("ps", TestCommunity.BuildingB, 2)]
    [InlineData(CompoundGuard, TestCommunity.Compound, 5)]
    [InlineData(CompoundGuard, TestCommunity.BuildingB, 2)]
    [InlineData("guard-a", TestCommunity.BuildingA, 3)]
    public async Task ACellsChartIncludesEveryCellBelowIt(string user, string cell, int readings)
    {
        Assert.Equal(readings, await CountAsync(user, cell));
    }

    [Theory]
    [InlineData("guard-a", TestCommunity.Compound)]
    [InlineData("guard-a", TestCommunity.BuildingB)]
    [InlineData(CompoundGuard, TestCommunity.Community)]
    public async Task AGuardAskingForACellAboveOrBesideTheirOwnGetsNotFound(string user, string cell)
    {
        using var client = await Gateway.LoginAsync(user);
        using var response = await client.GetAsync($"/api/timeseries/device_health?field=battery_v&agg=count&cell={cell}&{_range}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task AnUnknownCellIsAnEmptyChartForStaff()
    {
        Assert.Equal(0, await CountAsync("ps", "no-such-cell"));
    }

    private async Task<int> CountAsync(string user, string cell)
    {
        using var client = await Gateway.LoginAsync(user);
        _lastAnswer = await client.GetStringAsync($"/api/timeseries/device_health?field=battery_v&agg=count&cell={cell}&{_range}");
        var chart = System.Text.Json.JsonSerializer.Deserialize<ChartSeries>(_lastAnswer, System.Text.Json.JsonSerializerOptions.Web);
        return (int)chart!.Points.Sum(p => p.V);
    }

    /// <summary>Battery telemetry; a level station's message must also carry its level (<paramref name="more"/>) to be valid.</summary>
    private static string Battery(long seq, long ts, double volts, string more = "") =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"v":1,"ts":{{ts}},"seq":{{seq}},"battery_v":{{volts}}{{more}}}""");
}
