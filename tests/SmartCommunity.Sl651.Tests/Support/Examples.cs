namespace SmartCommunity.Sl651.Tests.Support;

/// <summary>Frames written out in hex, also shown in docs/sl651.md.</summary>
internal static class Examples
{
    /// <summary>
    /// Test report (30) as printed in many SL 651-2014 write-ups: current rain 0.5 mm, accumulated rain 0.5 mm,
    /// river level 0.127 m, supply 11.15 V; CRC 20 FA sent high byte first.
    /// </summary>
    public const string PublishedTestReport =
        "7E7E010012345678123430002B020003591011154947F1F1001234567848F0F0591011154920190000052619000005392300000127381211150320FA";

    /// <summary>The centre's answer to <see cref="PublishedTestReport"/> in the same write-ups: down, echoed serial and time, ESC.</summary>
    public const string PublishedTestReportAck = "7E7E00123456780112343080080200035910111549471B75D4";

    /// <summary>
    /// Our worked example: timed report (32), serial 7, sent 2025-07-15 08:00:05, observed 08:00, station 0012345678
    /// (river, 'H'): Z 1.234 m, ZU 15.678 m, Q 12.345 m³/s, VT 12.34 V.
    /// </summary>
    public const string TimedReport =
        "7E7E010012345678123432002D020007250715080005F1F1001234567848F0F025071508003923000012343B23000156782723000123453812123403E10A";

    /// <summary>Ack for <see cref="TimedReport"/> at centre time 2025-07-15 08:00:09 (UTC+8), ended by EOT.</summary>
    public const string TimedReportAck = "7E7E001234567801123432800802000725071508000904363E";

    public static FrameBuilder TimedReportBuilder() =>
        FrameBuilder.Report()
            .Element("39 23 00001234")
            .Element("3B 23 00015678")
            .Element("27 23 00012345")
            .Element("38 12 1234");
}
