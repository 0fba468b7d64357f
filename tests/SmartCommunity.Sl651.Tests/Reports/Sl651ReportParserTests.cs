using SmartCommunity.Sl651.Framing;
using SmartCommunity.Sl651.Reports;
using SmartCommunity.Sl651.Tests.Support;

namespace SmartCommunity.Sl651.Tests.Reports;

public sealed class Sl651ReportParserTests
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    [Fact]
    public void ATimedReportDecodesLevelsAndFlowWithTheirDecimals()
    {
        var report = Parse(FrameBuilder.Hex(Examples.TimedReport));

        Assert.Equal("0012345678", report.StationAddress.ToString());
        Assert.Equal(Sl651FunctionCode.TimedReport, report.FunctionCode);
        Assert.Equal(7, report.Serial);
        Assert.Equal(new DateTimeOffset(2025, 7, 15, 8, 0, 5, Beijing), report.SendTime);
        Assert.Equal(new DateTimeOffset(2025, 7, 15, 8, 0, 0, Beijing), report.ObservationTime);
        Assert.Equal('H', report.StationCategory);
        AssertElement(report, 0x39, "Z", 1.234m, "m");
        AssertElement(report, 0x3B, "ZU", 15.678m, "m");
        AssertElement(report, 0x27, "Q", 12.345m, "m³/s");
        AssertElement(report, 0x38, "VT", 12.34m, "V");
        Assert.Equal(3, report.Elements.Single(e => e.Code == "Z").Decimals);
        Assert.Equal(2, report.Elements.Single(e => e.Code == "VT").Decimals);
        Assert.Empty(report.UnknownElements);
    }

    [Fact]
    public void ThePublishedTestReportDecodesToItsPublishedValues()
    {
        var report = Parse(FrameBuilder.Hex(Examples.PublishedTestReport));

        Assert.Equal(Sl651FunctionCode.TestReport, report.FunctionCode);
        Assert.Equal(3, report.Serial);
        AssertElement(report, 0x20, "PJ", 0.5m, "mm");
        AssertElement(report, 0x26, "PT", 0.5m, "mm");
        AssertElement(report, 0x39, "Z", 0.127m, "m");
        AssertElement(report, 0x38, "VT", 11.15m, "V");
    }

    [Fact]
    public void ALeadingFFByteMakesTheValueNegative()
    {
        var report = Parse(FrameBuilder.Report().Element("39 2B FF 00001230").Build());

        Assert.Equal(-1.230m, Assert.Single(report.Elements).Value);
    }

    [Fact]
    public void AllFFBytesMeanNoData()
    {
        var report = Parse(FrameBuilder.Report().Element("39 23 FFFFFFFF").Element("27 23 00000100").Build());

        Assert.Null(report.Elements[0].Value);
        Assert.Equal(0.100m, report.Elements[1].Value);
    }

    [Fact]
    public void AnUnknownElementIsSkippedByItsLengthAndReported()
    {
        var report = Parse(FrameBuilder.Report().Element("45 20 00000012").Element("39 23 00000127").Build());

        var unknown = Assert.Single(report.UnknownElements);
        Assert.Equal(0x45, unknown.Identifier);
        Assert.Equal(0x20, unknown.Definition);
        Assert.Equal(FrameBuilder.Hex("00000012"), unknown.Raw.ToArray());
        Assert.Equal(0.127m, Assert.Single(report.Elements).Value);
    }

    [Fact]
    public void AnExtendedFFIdentifierIsReadAsTwoBytes()
    {
        var report = Parse(FrameBuilder.Report().Element("FF 85 08 23").Element("39 23 00000127").Build());

        Assert.Equal(0xFF85, Assert.Single(report.UnknownElements).Identifier);
        Assert.Single(report.Elements);
    }

    [Fact]
    public void ALaterObservationTimeAppliesToTheElementsAfterIt()
    {
        var report = Parse(FrameBuilder.Report().Element("39 23 00000100").Body("F0F0 2507150805").Element("39 23 00000200").Build());

        Assert.Equal(new DateTimeOffset(2025, 7, 15, 8, 0, 0, Beijing), report.Elements[0].ObservationTime);
        Assert.Equal(new DateTimeOffset(2025, 7, 15, 8, 5, 0, Beijing), report.Elements[1].ObservationTime);
        Assert.Equal(report.Elements[0].ObservationTime, report.ObservationTime);
    }

    [Fact]
    public void AnEvenPeriodReportSpreadsItsSeriesOverTheTimeStep()
    {
        var bytes = FrameBuilder.Report(function: 0x31).Element("04 18 000005").Element("39 23 00000100 00000110 FFFFFFFF").Build();

        var report = Parse(bytes);

        Assert.Equal([0.100m, 0.110m, null], report.Elements.Select(e => e.Value));
        Assert.Equal([0, 5, 10], report.Elements.Select(e => e.ObservationTime!.Value.Minute));
    }

    [Fact]
    public void AnEvenPeriodSeriesThatIsNotWholeValuesIsMalformedBody() =>
        AssertRejected(Sl651RejectReason.MalformedBody, FrameBuilder.Report(function: 0x31).Element("04 18 000005").Element("39 23 00000100 0000").Build());

    [Fact]
    public void ANibbleAboveNineInAKnownElementIsMalformedBcd() =>
        AssertRejected(Sl651RejectReason.MalformedBcd, FrameBuilder.Report().Element("39 23 00 00 1A 27").Build());

    [Fact]
    public void ASendTimeThatIsNotADateIsMalformedBcd() =>
        AssertRejected(Sl651RejectReason.MalformedBcd, FrameBuilder.Report(sendTime: "251315080005").Build());

    [Fact]
    public void AnElementRunningPastTheBodyIsMalformedBody() =>
        AssertRejected(Sl651RejectReason.MalformedBody, FrameBuilder.Report().Element("39 23 0000").Build());

    [Fact]
    public void ARepeatedAddressElementCutShortIsMalformedBody() =>
        AssertRejected(Sl651RejectReason.MalformedBody, FrameBuilder.Report().Element("39 23 00000127").Body("F1F1 0012").Build());

    [Fact]
    public void ABodyWithoutTheStationAddressElementIsMalformedBody() =>
        AssertRejected(Sl651RejectReason.MalformedBody, new FrameBuilder().Body("0007 250715080005 F0F0 2507150800").Build());

    [Fact]
    public void AFunctionCodeOutsideThirtyToThirtyFourIsUnsupported() =>
        AssertRejected(Sl651RejectReason.UnsupportedFunctionCode, FrameBuilder.Report(function: 0x37).Build());

    [Fact]
    public void AMultiPacketReportIsRejectedAsUnsupported() =>
        AssertRejected(Sl651RejectReason.MultiPacketUnsupported, FrameBuilder.Report().MultiPacket(1, 1).Build());

    [Fact]
    public void EveryReportFunctionCodeIsDecoded()
    {
        foreach (var code in new byte[] { 0x30, 0x31, 0x32, 0x33, 0x34 })
        {
            Assert.Equal(code, (int)Parse(FrameBuilder.Report(function: code).Element("39 23 00000127").Build()).FunctionCode);
        }
    }

    [Fact]
    public void TheElementTableNamesEachElementOnceWithAUnit()
    {
        Assert.All(Sl651Elements.All, e => Assert.False(string.IsNullOrEmpty(e.Unit)));
        Assert.Equal(Sl651Elements.All.Count, Sl651Elements.All.Select(e => e.Code).Distinct().Count());
    }

    private static Sl651Report Parse(byte[] bytes)
    {
        Assert.True(Sl651FrameDecoder.TryDecode(bytes, out var frame, out var frameRejection), frameRejection.ToString());
        Assert.True(Sl651ReportParser.TryParse(frame, Beijing, out var report, out var rejection), rejection.ToString());
        return report;
    }

    private static void AssertRejected(Sl651RejectReason expected, byte[] bytes)
    {
        Assert.True(Sl651FrameDecoder.TryDecode(bytes, out var frame, out var frameRejection), frameRejection.ToString());
        Assert.False(Sl651ReportParser.TryParse(frame, Beijing, out var report, out var rejection));
        Assert.Null(report);
        Assert.Equal(expected, rejection.Reason);
    }

    private static void AssertElement(Sl651Report report, int identifier, string code, decimal value, string unit)
    {
        var element = Assert.Single(report.Elements, e => e.Identifier == identifier);
        Assert.Equal(code, element.Code);
        Assert.Equal(value, element.Value);
        Assert.Equal(unit, element.Unit);
    }
}
