using SmartCommunity.Sl651.Framing;

namespace SmartCommunity.Sl651.Reports;

/// <summary>
/// The centre's answer to an uplink report (SL 651-2014, "下行确认报文"): same station, centre, password and function
/// code, down flag, body = the report's serial number + the centre's current time (BCD YYMMDDhhmmss), ended by
/// EOT (04, "transmission over, the RTU may hang up") or ESC (1B, "transmission over, stay online").
/// </summary>
public static class Sl651Acknowledgement
{
    public static byte[] Build(Sl651Frame report, ushort serial, DateTimeOffset centreTime, byte endChar = Sl651ControlChars.Eot)
    {
        Span<byte> body = stackalloc byte[Sl651ReportParser.BodyHeaderSize];
        body[0] = (byte)(serial >> 8);
        body[1] = (byte)serial;
        Sl651Bcd.WriteTime(body[2..], centreTime);
        return Sl651FrameEncoder.Encode(Sl651Direction.Down, report.CentreAddress, report.StationAddress, report.Password,
            report.FunctionCode, body, endChar);
    }
}
