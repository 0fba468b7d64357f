using System.Text;
using Microsoft.Extensions.Time.Testing;
using SmartCommunity.Gb28181.Manscdp;

namespace SmartCommunity.Gb28181.Tests.Manscdp;

public class ManscdpTests
{
    private static byte[] CatalogPart(long sn, int sum, params (string Id, string Name)[] items)
    {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Response>\r\n<CmdType>Catalog</CmdType>\r\n")
            .Append(System.Globalization.CultureInfo.InvariantCulture, $"<SN>{sn}</SN>\r\n<DeviceID>34020000001180000001</DeviceID>\r\n<SumNum>{sum}</SumNum>\r\n<DeviceList Num=\"{items.Length}\">\r\n");
        foreach (var (id, name) in items)
        {
            xml.Append(System.Globalization.CultureInfo.InvariantCulture, $"<Item><DeviceID>{id}</DeviceID><Name>{name}</Name><Manufacturer>Hikvision</Manufacturer><CivilCode>340200</CivilCode><ParentID>34020000001180000001</ParentID><Parental>0</Parental><Status>ON</Status><Longitude>117.2</Longitude><Latitude>31.8</Latitude></Item>\r\n");
        }

        xml.Append("</DeviceList>\r\n</Response>\r\n");
        return ManscdpEncoding.Gb18030.GetBytes(xml.ToString());
    }

    [Fact]
    public void AGb2312KeepaliveIsRead()
    {
        var body = ManscdpEncoding.Gb18030.GetBytes("<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Notify>\r\n<CmdType>Keepalive</CmdType>\r\n<SN>7</SN>\r\n<DeviceID>34020000001320000001</DeviceID>\r\n<Status>OK</Status>\r\n</Notify>\r\n");
        var message = ManscdpMessage.Parse(body, out var reason);
        Assert.Null(reason);
        Assert.Equal(("Notify", "Keepalive", 7L, "34020000001320000001"), (message!.Kind, message.CmdType, message.Sn, message.DeviceId));
        Assert.Equal("OK", message.Field("Status"));
    }

    [Fact]
    public void ChineseNamesDeclaredGb2312AreNotGarbledEvenOutsideGb2312()
    {
        // 堃 (U+5803) and 𠮷 (U+20BB7) are outside GB2312; devices still write them under a GB2312 prolog.
        var body = CatalogPart(1, 1, ("34020000001310000001", "河滩北侧堃𠮷摄像机"));
        var message = ManscdpMessage.Parse(body, out _)!;
        var catalog = new CatalogCollector(new FakeTimeProvider()).Add(message, out _)!;
        Assert.Equal("河滩北侧堃𠮷摄像机", Assert.Single(catalog.Items).Name);
    }

    [Fact]
    public void ACatalogSplitOverMessagesCompletesAtSumNum()
    {
        var collector = new CatalogCollector(new FakeTimeProvider());
        Assert.Null(collector.Add(ManscdpMessage.Parse(CatalogPart(5, 3, ("34020000001310000001", "一号")), out _)!, out _));
        Assert.Null(collector.Add(ManscdpMessage.Parse(CatalogPart(5, 3, ("34020000001310000001", "一号")), out _)!, out _)); // resent
        var catalog = collector.Add(ManscdpMessage.Parse(CatalogPart(5, 3, ("34020000001310000002", "二号"), ("34020000001310000003", "三号")), out _)!, out _);

        Assert.NotNull(catalog);
        Assert.Equal(["34020000001310000001", "34020000001310000002", "34020000001310000003"], catalog.Items.Select(i => i.DeviceId).Order(StringComparer.Ordinal));
        Assert.All(catalog.Items, i => Assert.Equal("340200", i.CivilCode));
        Assert.Equal(0, collector.PendingCount);
    }

    [Fact]
    public void AnIncompleteCatalogIsForgottenAfterItsTimeout()
    {
        var time = new FakeTimeProvider();
        var collector = new CatalogCollector(time);
        collector.Add(ManscdpMessage.Parse(CatalogPart(9, 2, ("34020000001310000001", "一号")), out _)!, out _);
        time.Advance(TimeSpan.FromMinutes(2));
        collector.Add(ManscdpMessage.Parse(CatalogPart(10, 2, ("34020000001310000001", "一号")), out _)!, out _);
        Assert.Equal(1, collector.PendingCount);
    }

    [Theory]
    [InlineData("<Notify><CmdType>Keepalive</CmdType></Notify>", "missing-field")]
    [InlineData("<Notify><CmdType>Keepalive", "bad-xml")]
    [InlineData("<Html/>", "unknown-root")]
    [InlineData("<?xml version=\"1.0\" encoding=\"EBCDIC-XYZ\"?><Notify/>", "unknown-encoding")]
    [InlineData("<!DOCTYPE a [<!ENTITY x \"y\">]><Notify><CmdType>&x;</CmdType><SN>1</SN><DeviceID>1</DeviceID></Notify>", "bad-xml")]
    public void HostileOrBrokenBodiesAreRefusedWithAReason(string body, string reason)
    {
        Assert.Null(ManscdpMessage.Parse(Encoding.UTF8.GetBytes(body), out var why));
        Assert.Equal(reason, why);
    }

    [Fact]
    public void PtzCommandsHaveTheStandardLayoutAndChecksum()
    {
        // Up at tilt speed 0x80: A5 0F 01 08 00 80 00, checksum (A5+0F+01+08+00+80+00) mod 256 = 0x3D.
        Assert.Equal("A50F01080080003D", new PtzCommand(PtzMotion.Up, 0, 0x80, 0).ToHex());
        Assert.Equal("A50F0100000000B5", PtzCommand.Stop.ToHex());
        var zoom = new PtzCommand(PtzMotion.ZoomIn | PtzMotion.Left, 0x20, 0, 0x0A).ToBytes();
        Assert.Equal(0x12, zoom[3]);
        Assert.Equal(0xA0, zoom[6]);
        Assert.Equal((byte)zoom.Take(7).Sum(b => b), zoom[7]);
        Assert.NotNull(PtzCommand.Check(PtzMotion.Left | PtzMotion.Right, 1, 1, 1));
        Assert.NotNull(PtzCommand.Check(PtzMotion.Up, 1, 1, 16));
        Assert.Null(PtzCommand.Check(PtzMotion.Up | PtzMotion.Right, 255, 255, 15));
    }

    [Fact]
    public void ACatalogQueryIsSentWithAGbProlog()
    {
        var text = ManscdpEncoding.Gb18030.GetString(ManscdpBodies.Query("Catalog", 17, "34020000001180000001"));
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"GB2312\"?>", text, StringComparison.Ordinal);
        var back = ManscdpMessage.Parse(ManscdpEncoding.Gb18030.GetBytes(text), out _)!;
        Assert.Equal(("Query", "Catalog", 17L), (back.Kind, back.CmdType, back.Sn));
    }
}
