namespace SmartCommunity.Sl651.Framing;

/// <summary>High 4 bits of the direction+length field (SL 651-2014, "上下行标识及长度"): 0000 up, 1000 down.</summary>
public enum Sl651Direction
{
    Up = 0x0,
    Down = 0x8,
}

/// <summary>
/// Function codes this library names (SL 651-2014, "功能码定义"). Any other byte is still a valid frame;
/// cast it to this type and it prints as a number.
/// </summary>
public enum Sl651FunctionCode
{
    LinkKeepAlive = 0x2F,
    TestReport = 0x30,
    EvenPeriodReport = 0x31,
    TimedReport = 0x32,
    AddedReport = 0x33,
    HourlyReport = 0x34,

    /// <summary>Set the station's clock (设置遥测站时钟): down, serial + the centre's time, ENQ; the station answers up
    /// with serial + its new time + its address.</summary>
    SetClock = 0x4A,
}
