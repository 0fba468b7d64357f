using System.Globalization;
using SmartCommunity.Gb28181.Manscdp;

namespace SmartCommunity.Gb28181.Tests.Manscdp;

public class RecordInfoCollectorTests
{
    private const string Channel = "34020000001310000001";

    private static ManscdpMessage Part(long sn, string sumNum, params (string Start, string End, string Path)[] items)
    {
        var xml = $"<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Response><CmdType>RecordInfo</CmdType><SN>{sn.ToString(CultureInfo.InvariantCulture)}</SN><DeviceID>{Channel}</DeviceID><SumNum>{sumNum}</SumNum><RecordList>"
            + string.Concat(items.Select(i => $"<Item><DeviceID>{Channel}</DeviceID><Name>北门</Name><FilePath>{i.Path}</FilePath><StartTime>{i.Start}</StartTime><EndTime>{i.End}</EndTime><Secrecy>0</Secrecy><Type>time</Type></Item>"))
            + "</RecordList></Response>";
        return ManscdpMessage.Parse(ManscdpEncoding.Gb18030.GetBytes(xml), out _)!;
    }

    [Fact]
    public void ARecordListSplitOverMessagesIsCompleteAtSumNumAndAResentMessageDoesNotDoubleIt()
    {
        var collector = new RecordInfoCollector(Channel, 5);
        var first = Part(5, "3", ("2026-12-03T08:00:00", "2026-12-03T08:30:00", "/a"), ("2026-12-03T08:30:00", "2026-12-03T09:00:00", "/b"));
        Assert.Null(collector.Add(first, out _));
        Assert.Null(collector.Add(first, out _)); // Resent: still two of three.
        var list = collector.Add(Part(5, "3", ("2026-12-03T09:00:00", "2026-12-03T09:10:00", "/c")), out var refused);
        Assert.Null(refused);
        Assert.Equal(["/a", "/b", "/c"], list!.Items.Select(i => i.FilePath));
        Assert.Equal(new DateTime(2026, 12, 3, 8, 0, 0), list.Items[0].Start);
        Assert.Equal("北门", list.Items[0].Name);
    }

    [Fact]
    public void AnEmptyListIsCompleteAtOnce()
    {
        var list = new RecordInfoCollector(Channel, 6).Add(Part(6, "0"), out var refused);
        Assert.Null(refused);
        Assert.Empty(list!.Items);
    }

    [Theory]
    [InlineData("2026-13-03T08:00:00", "2026-12-03T09:00:00")] // no 13th month
    [InlineData("1970-01-01T00:00:00", "1970-01-01T01:00:00")] // a device clock never set
    [InlineData("2026-12-03T09:00:00", "2026-12-03T08:00:00")] // ends before it starts
    [InlineData("tomorrow", "2026-12-03T08:00:00")]
    public void AnItemWithAnImpossibleTimeIsCountedAndStillCountsTowardsSumNum(string start, string end)
    {
        var collector = new RecordInfoCollector(Channel, 7);
        var list = collector.Add(Part(7, "2", (start, end, "/bad"), ("2026-12-03T08:00:00", "2026-12-03T08:30:00", "/good")), out var refused);
        Assert.Equal("bad-item", refused);
        Assert.Equal(1, list!.BadItems);
        Assert.Equal("/good", Assert.Single(list.Items).FilePath);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("many")]
    [InlineData("10001")]
    public void ASumNumThatIsNotACountOrTooLargeIsRefused(string sumNum)
    {
        Assert.Null(new RecordInfoCollector(Channel, 8).Add(Part(8, sumNum), out var refused));
        Assert.Equal("bad-sumnum", refused);
    }

    [Fact]
    public void AnAnswerForAnotherQueryIsRefused()
    {
        Assert.Null(new RecordInfoCollector(Channel, 9).Add(Part(10, "0"), out var refused));
        Assert.Equal("foreign-response", refused);
    }

    [Fact]
    public void TheQueryNamesLocalTimesInTheStandardsForm()
    {
        var body = ManscdpEncoding.Gb18030.GetString(ManscdpBodies.RecordInfoQuery(11, Channel, new DateTime(2026, 12, 3, 8, 0, 0), new DateTime(2026, 12, 3, 9, 0, 5)));
        Assert.Contains("<CmdType>RecordInfo</CmdType>", body, StringComparison.Ordinal);
        Assert.Contains("<StartTime>2026-12-03T08:00:00</StartTime>", body, StringComparison.Ordinal);
        Assert.Contains("<EndTime>2026-12-03T09:00:05</EndTime>", body, StringComparison.Ordinal);
        Assert.Contains("<Type>all</Type>", body, StringComparison.Ordinal);
    }
}
