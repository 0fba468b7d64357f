using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Alerts.Cap;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Tests.Support;

namespace SmartCommunity.Gateway.Tests.Alerts;

/// <summary>Every alert as a valid CAP 1.2 message (OASIS CAP 1.2 §3), and the Atom feed of active alerts.</summary>
public sealed partial class CapTests
{
    private static readonly XNamespace Cap = "urn:oasis:names:tc:emergency:cap:1.2";
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly string[] Statuses = ["Actual", "Exercise", "System", "Test", "Draft"];
    private static readonly string[] MsgTypes = ["Alert", "Update", "Cancel", "Ack", "Error"];
    private static readonly string[] Scopes = ["Public", "Restricted", "Private"];
    private static readonly string[] Categories = ["Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other"];
    private static readonly string[] Urgencies = ["Immediate", "Expected", "Future", "Past", "Unknown"];
    private static readonly string[] Severities = ["Extreme", "Severe", "Moderate", "Minor", "Unknown"];
    private static readonly string[] Certainties = ["Observed", "Likely", "Possible", "Unlikely", "Unknown"];

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")]
    private static partial Regex CapTime();

    private static readonly GridSnapshot Grid = new(
        [new GridCell("c1", null, CellLevel.Community, "社区 C1", 28.19, 112.97), new GridCell("b-a", "c1", CellLevel.Building, "楼 A", null, null)], []);

    private static Alert Sample(AlertLevel level = AlertLevel.Red, AlertState state = AlertState.Raised, int version = 1, AlertArea? area = null) =>
        new("0193a1b2c3d4e5f60718293a4b5c6d7e", new AlertSource("discharge", "notice-1"), "discharge", level, state, "b-a", area,
            new AlertText("水库泄洪预警", "Reservoir discharge warning"), new AlertText("10:00 开闸，流量 300 m³/s。", "Gates open at 10:00, 300 m3/s."),
            [new EvidenceLink("snapshot", "https://gw.example/snap/1.jpg", "Spillway", "image/jpeg")], null, 1,
            new DateTimeOffset(2026, 7, 1, 1, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 7, 1, 1, 45, 0, TimeSpan.Zero), new DateTimeOffset(2026, 7, 1, 1, 30, 0, TimeSpan.Zero),
            null, null, null, null, state == AlertState.Cancelled ? "withdrawn" : null, 0, null, null, false, version, 0);

    [Fact]
    public void ANewAlertIsAValidCapAlertWithChineseInfoFirstAndAClosedPolygon()
    {
        var open = new GeoPoint[] { new(28.1, 112.9), new(28.1, 113.0), new(28.2, 113.0) }; // Not closed on input.
        var doc = CapWriter.Render(Sample(area: new AlertArea(28.15, 112.95, 0.5, open)), new CapOptions(), Grid);

        var alert = doc.Root!;
        Assert.Equal(Cap + "alert", alert.Name);
        AssertValid(alert);
        Assert.Equal("Alert", alert.Element(Cap + "msgType")!.Value);
        Assert.Null(alert.Element(Cap + "references"));
        Assert.Equal("2026-07-01T09:30:00+08:00", alert.Element(Cap + "sent")!.Value);

        var infos = alert.Elements(Cap + "info").ToList();
        Assert.Equal(["zh-CN", "en-US"], infos.Select(i => i.Element(Cap + "language")!.Value));
        Assert.Equal("水库泄洪预警", infos[0].Element(Cap + "headline")!.Value);
        Assert.Equal("Met", infos[0].Element(Cap + "category")!.Value);
        var polygon = infos[0].Element(Cap + "area")!.Element(Cap + "polygon")!.Value.Split(' ');
        Assert.Equal(4, polygon.Length);
        Assert.Equal(polygon[0], polygon[^1]);
        Assert.Equal("28.1,112.9", polygon[0]);
        Assert.Equal("28.15,112.95 0.5", infos[0].Element(Cap + "area")!.Element(Cap + "circle")!.Value);
        Assert.Equal("社区 C1楼 A", infos[0].Element(Cap + "area")!.Element(Cap + "areaDesc")!.Value);
    }

    [Theory]
    [InlineData(AlertLevel.Red, "Extreme", "Immediate")]
    [InlineData(AlertLevel.Orange, "Severe", "Immediate")]
    [InlineData(AlertLevel.Yellow, "Moderate", "Expected")]
    [InlineData(AlertLevel.Blue, "Minor", "Future")]
    public void TheChineseColourMapsToCapSeverity(AlertLevel level, string severity, string urgency)
    {
        var info = CapWriter.Render(Sample(level), new CapOptions(), Grid).Root!.Element(Cap + "info")!;
        Assert.Equal(severity, info.Element(Cap + "severity")!.Value);
        Assert.Equal(urgency, info.Element(Cap + "urgency")!.Value);
    }

    [Fact]
    public void AnUpdateAndACancelReferenceTheOriginalMessageAndUtcIsNeverWrittenZ()
    {
        var utc = new CapOptions { UtcOffset = TimeSpan.Zero };
        var update = CapWriter.Render(Sample(state: AlertState.Acknowledged, version: 2), utc, Grid).Root!;
        AssertValid(update);
        Assert.Equal("Update", update.Element(Cap + "msgType")!.Value);
        Assert.Equal("2026-07-01T01:45:00-00:00", update.Element(Cap + "sent")!.Value);
        Assert.Equal("smartcommunity.gateway,0193a1b2c3d4e5f60718293a4b5c6d7e,2026-07-01T01:30:00-00:00", update.Element(Cap + "references")!.Value);
        Assert.NotEqual("0193a1b2c3d4e5f60718293a4b5c6d7e", update.Element(Cap + "identifier")!.Value);

        var cancel = CapWriter.Render(Sample(state: AlertState.Cancelled, version: 2), new CapOptions(), Grid).Root!;
        AssertValid(cancel);
        Assert.Equal("Cancel", cancel.Element(Cap + "msgType")!.Value);
        Assert.Equal(3, cancel.Element(Cap + "references")!.Value.Split(',').Length);
        Assert.Equal("Past", cancel.Element(Cap + "info")!.Element(Cap + "urgency")!.Value);
    }

    [Fact]
    public void TheNoteNamesThePersonWhoActedNotTheirId()
    {
        var grid = new GridSnapshot(Grid.Cells, [new Person("guard-wang", "王网格员", "guard", Duty.Guard, ["b-a"], null, null, true)]);
        var acknowledged = Sample(state: AlertState.Acknowledged, version: 2) with { AcknowledgedBy = "guard-wang" };
        var resolved = Sample(state: AlertState.Resolved, version: 3) with { ResolvedBy = "guard-wang", ResolutionNote = "已劝离" };
        var gone = Sample(state: AlertState.Acknowledged, version: 2) with { AcknowledgedBy = "guard-left" };

        Assert.Equal("Acknowledged by 王网格员", CapWriter.Render(acknowledged, new CapOptions(), grid).Root!.Element(Cap + "note")!.Value);
        Assert.Equal("Resolved by 王网格员: 已劝离", CapWriter.Render(resolved, new CapOptions(), grid).Root!.Element(Cap + "note")!.Value);
        Assert.Equal("Acknowledged by guard-left", CapWriter.Render(gone, new CapOptions(), grid).Root!.Element(Cap + "note")!.Value);
    }

    [Fact]
    public void WithoutAPointTheAreaUsesTheNearestCellCentreAsACircle()
    {
        var area = CapWriter.Render(Sample(), new CapOptions(), Grid).Root!.Element(Cap + "info")!.Element(Cap + "area")!;
        Assert.Equal("28.19,112.97 0.2", area.Element(Cap + "circle")!.Value);
        Assert.Null(area.Element(Cap + "polygon"));
    }

    [Fact]
    public async Task TheApiServesCapPerAlertAndAnAtomFeedOfActiveAlerts()
    {
        await using var bed = AlertsTestBed.Start(AlertsTestBed.NewClock());
        var alert = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-cap", "intrusion", AlertLevel.Orange));
        using var staff = await bed.Gateway.LoginAsync("em");

        var cap = await staff.GetAsync($"/api/alerts/{alert.Id}/cap");
        Assert.Equal(HttpStatusCode.OK, cap.StatusCode);
        Assert.Equal("application/cap+xml", cap.Content.Headers.ContentType!.MediaType);
        var capDoc = XDocument.Parse(await cap.Content.ReadAsStringAsync());
        AssertValid(capDoc.Root!);
        Assert.Equal("Safety", capDoc.Root!.Element(Cap + "info")!.Element(Cap + "category")!.Value);

        var feed = XDocument.Parse(await staff.GetStringAsync("/api/alerts/feed")).Root!;
        Assert.Equal(Atom + "feed", feed.Name);
        var entry = Assert.Single(feed.Elements(Atom + "entry"));
        Assert.EndsWith($"/api/alerts/{alert.Id}/cap", entry.Element(Atom + "link")!.Attribute("href")!.Value, StringComparison.Ordinal);
        Assert.Matches(CapTime(), entry.Element(Atom + "updated")!.Value);
    }

    /// <summary>CAP 1.2 §3.2: required elements present, enumerations respected, times with an offset.</summary>
    private static void AssertValid(XElement alert)
    {
        Assert.Empty(CapValidator.Validate(new XDocument(alert)));
        foreach (var required in new[] { "identifier", "sender", "sent", "status", "msgType", "scope" })
        {
            Assert.False(string.IsNullOrWhiteSpace(alert.Element(Cap + required)?.Value), $"alert/{required} is required");
        }

        Assert.DoesNotMatch("[ ,<&]", alert.Element(Cap + "identifier")!.Value);
        Assert.Matches(CapTime(), alert.Element(Cap + "sent")!.Value);
        Assert.Contains(alert.Element(Cap + "status")!.Value, Statuses);
        Assert.Contains(alert.Element(Cap + "msgType")!.Value, MsgTypes);
        Assert.Contains(alert.Element(Cap + "scope")!.Value, Scopes);
        if (alert.Element(Cap + "msgType")!.Value is "Update" or "Cancel")
        {
            Assert.NotNull(alert.Element(Cap + "references"));
        }

        foreach (var info in alert.Elements(Cap + "info"))
        {
            Assert.All(info.Elements(Cap + "category"), c => Assert.Contains(c.Value, Categories));
            Assert.False(string.IsNullOrWhiteSpace(info.Element(Cap + "event")?.Value));
            Assert.Contains(info.Element(Cap + "urgency")!.Value, Urgencies);
            Assert.Contains(info.Element(Cap + "severity")!.Value, Severities);
            Assert.Contains(info.Element(Cap + "certainty")!.Value, Certainties);
            Assert.All(info.Elements(Cap + "effective"), e => Assert.Matches(CapTime(), e.Value));
            Assert.All(info.Elements(Cap + "resource"), r => Assert.NotNull(r.Element(Cap + "mimeType")));
            foreach (var area in info.Elements(Cap + "area"))
            {
                Assert.False(string.IsNullOrWhiteSpace(area.Element(Cap + "areaDesc")?.Value));
                foreach (var polygon in area.Elements(Cap + "polygon"))
                {
                    var pairs = polygon.Value.Split(' ');
                    Assert.True(pairs.Length >= 4, "a polygon has at least four pairs");
                    Assert.Equal(pairs[0], pairs[^1]);
                    Assert.All(pairs, p => Assert.Matches(@"^-?\d+(\.\d+)?,-?\d+(\.\d+)?$", p));
                }
            }
        }
    }
}
