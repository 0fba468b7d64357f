using SmartCommunity.EdgeAgent.Drivers.Sl651;
using SmartCommunity.Sl651.Framing;
using SmartCommunity.Sl651.Reports;

namespace SmartCommunity.EdgeAgent.Tests.Sl651;

/// <summary>The pure report → message mapping, on reports built as records.</summary>
public sealed class Sl651ElementMappingTests
{
    private static readonly DateTimeOffset T0 = new(2025, 7, 15, 8, 0, 0, TimeSpan.FromHours(8));

    private static readonly Sl651ElementMapping Defaults = new Sl651DriverSettings().ElementMapping();

    [Fact]
    public void ValuesAtSeveralObservationTimesBecomeOneTelemetryMessageEach()
    {
        var report = Report(Sl651FunctionCode.EvenPeriodReport,
            Element(Sl651Elements.RiverWaterLevel, 1.1m, T0),
            Element(Sl651Elements.RiverWaterLevel, 1.2m, T0.AddMinutes(5)),
            Element(Sl651Elements.RiverWaterLevel, 1.3m, T0.AddMinutes(10)));

        var messages = Defaults.Map(report);

        Assert.Equal([1.1, 1.2, 1.3], messages.Telemetry.Select(t => t.LevelM!.Value));
        Assert.Equal([T0, T0.AddMinutes(5), T0.AddMinutes(10)], messages.Telemetry.Select(t => DateTimeOffset.FromUnixTimeMilliseconds(t.Ts)));
        Assert.Null(messages.Threshold);
    }

    [Fact]
    public void AMissingOrNoDataElementFallsBackToTheNextListedOne()
    {
        var report = Report(Sl651FunctionCode.TimedReport,
            Element(Sl651Elements.RiverWaterLevel, 2.0m, T0),
            Element(Sl651Elements.CurrentRainfall, null, T0), // all-FF "no data"
            Element(Sl651Elements.AccumulatedRainfall, 12.5m, T0));

        var telemetry = Assert.Single(Defaults.Map(report).Telemetry);

        Assert.Equal(12.5, telemetry.RainMm);
        Assert.Null(telemetry.BatteryV);
    }

    [Fact]
    public void ATimeWithNeitherLevelNorFlowIsNotPublishedBecauseTheProtocolRequiresOne()
    {
        var report = Report(Sl651FunctionCode.TimedReport,
            Element(Sl651Elements.CurrentRainfall, 0.5m, T0),
            Element(Sl651Elements.SupplyVoltage, 12.3m, T0));

        var messages = Defaults.Map(report);

        Assert.Empty(messages.Telemetry);
        Assert.Equal(1, messages.SkippedTimes);
    }

    [Fact]
    public void AnAddedReportWithoutALevelGivesNoThresholdEvent()
    {
        var report = Report(Sl651FunctionCode.AddedReport, Element(Sl651Elements.InstantaneousFlow, 30m, T0));

        var messages = Defaults.Map(report);

        Assert.Equal(30, Assert.Single(messages.Telemetry).FlowM3s);
        Assert.Null(messages.Threshold);
    }

    private static Sl651Report Report(Sl651FunctionCode function, params Sl651ElementValue[] elements) =>
        new(Sl651StationAddress.Parse(Sl651TestFrames.Station), 0x01, function, 1, T0, 'H', T0, elements, []);

    private static Sl651ElementValue Element(int identifier, decimal? value, DateTimeOffset time)
    {
        var info = Sl651Elements.Find(identifier)!;
        return new(identifier, info.Code, info.Name, info.Unit, value, 3, time);
    }
}
