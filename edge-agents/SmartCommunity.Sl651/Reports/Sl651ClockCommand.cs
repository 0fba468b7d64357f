using SmartCommunity.Sl651.Framing;

namespace SmartCommunity.Sl651.Reports;

/// <summary>
/// The centre's set-clock command (SL 651-2014 function 4A, 设置遥测站时钟): down to the station that sent
/// <c>report</c> (same station, centre and password), body = the centre's serial + its current time (BCD
/// YYMMDDhhmmss in the stations' zone), ended by ENQ (a command that expects an answer).
/// </summary>
public static class Sl651ClockCommand
{
    public static byte[] Build(Sl651Frame report, ushort serial, DateTimeOffset centreTime)
    {
        ArgumentNullException.ThrowIfNull(report);
        Span<byte> body = stackalloc byte[Sl651ReportParser.BodyHeaderSize];
        body[0] = (byte)(serial >> 8);
        body[1] = (byte)serial;
        Sl651Bcd.WriteTime(body[2..], centreTime);
        return Sl651FrameEncoder.Encode(Sl651Direction.Down, report.CentreAddress, report.StationAddress, report.Password,
            Sl651FunctionCode.SetClock, body, Sl651ControlChars.Enq);
    }
}
