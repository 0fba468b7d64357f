using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Alerts.Cap;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Tests.Support;

namespace SmartCommunity.Gateway.Tests.Alerts;

/// <summary>
/// CAP 1.2 (OASIS, 2010) is checked before a message leaves the gateway: every rule the validator knows is broken
/// once on a message the writer made valid, and the export refuses an alert it cannot carry, with a code and a count.
/// </summary>
public sealed class CapValidatorTests
{
    private static readonly XNamespace Cap = CapWriter.Ns;

    private static readonly GridSnapshot Grid = new([new GridCell("c1", null, CellLevel.Community, "社区 C1", 28.19, 112.97)], []);

    private static Alert Sample(AlertState state = AlertState.Raised, int version = 1) =>
        new("0193a1b2c3d4e5f60718293a4b5c6d7e", new AlertSource("spot", "spot-1"), "danger_zone_person", AlertLevel.Red, state, "c1",
            new AlertArea(28.15, 112.95, 0.5, [new(28.1, 112.9), new(28.1, 113.0), new(28.2, 113.0)]),
            new AlertText("有人进入危险区域", "Person in the danger zone"), new AlertText("已语音驱离。", "Voice warning played."),
            [new EvidenceLink("footage", "/api/video/cameras/43010200011320000001/footage?from=1&to=2", "录像 footage", "application/vnd.apple.mpegurl")], null, 1,
            new DateTimeOffset(2026, 7, 1, 1, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 7, 1, 1, 45, 0, TimeSpan.Zero), new DateTimeOffset(2026, 7, 1, 1, 30, 0, TimeSpan.Zero),
            null, null, null, null, state == AlertState.Cancelled ? "withdrawn" : null, 0, null, null, false, version, 0);

    private static XDocument Valid(AlertState state = AlertState.Raised, int version = 1) =>
        CapWriter.Render(Sample(state, version), new CapOptions(), Grid, new Uri("https://gw.example/"));

    [Theory]
    [InlineData(AlertState.Raised, 1)]
    [InlineData(AlertState.Acknowledged, 2)]
    [InlineData(AlertState.Resolved, 3)]
    [InlineData(AlertState.Cancelled, 2)]
    public void WhatTheWriterMakesIsValidWithItsFootageLinkAbsolute(AlertState state, int version)
    {
        var document = Valid(state, version);
        Assert.Empty(CapValidator.Validate(document));
        var uri = document.Root!.Element(Cap + "info")!.Element(Cap + "resource")!.Element(Cap + "uri")!.Value;
        Assert.Equal("https://gw.example/api/video/cameras/43010200011320000001/footage?from=1&to=2", uri);
    }

    [Fact]
    public void WithoutTheGatewaysAddressARelativeResourceUriIsCaught()
    {
        var document = CapWriter.Render(Sample(), new CapOptions(), Grid);
        var violations = CapValidator.Validate(document);
        Assert.Equal(["alert/info[1]/resource[1]/uri", "alert/info[2]/resource[1]/uri"], violations.Select(v => v.Path));
        Assert.All(violations, v => Assert.Contains("§3.2.3", v.Rule, StringComparison.Ordinal));
    }

    // Each case breaks one rule of a valid message, and the validator names where.
    [Theory]
    [InlineData("no identifier", "alert/identifier")]
    [InlineData("identifier with a space", "alert/identifier")]
    [InlineData("sent in Z", "alert/sent")]
    [InlineData("sent not a date", "alert/sent")]
    [InlineData("status unknown", "alert/status")]
    [InlineData("msgType unknown", "alert/msgType")]
    [InlineData("scope Restricted alone", "alert/restriction")]
    [InlineData("scope Private alone", "alert/addresses")]
    [InlineData("update without references", "alert/references")]
    [InlineData("references not a triple", "alert/references")]
    [InlineData("two senders", "alert/sender")]
    [InlineData("note after info", "alert/note")]
    [InlineData("unknown element", "alert/priority")]
    [InlineData("category unknown", "alert/info[1]/category")]
    [InlineData("no category", "alert/info[1]/category")]
    [InlineData("empty event", "alert/info[1]/event")]
    [InlineData("urgency unknown", "alert/info[1]/urgency")]
    [InlineData("severity unknown", "alert/info[2]/severity")]
    [InlineData("certainty missing", "alert/info[1]/certainty")]
    [InlineData("responseType unknown", "alert/info[1]/responseType")]
    [InlineData("language not a tag", "alert/info[1]/language")]
    [InlineData("headline before event", "alert/info[1]/event")]
    [InlineData("parameter without value", "alert/info[1]/parameter[1]/value")]
    [InlineData("resource without mimeType", "alert/info[1]/resource[1]/mimeType")]
    [InlineData("mimeType not a media type", "alert/info[1]/resource[1]/mimeType")]
    [InlineData("area without areaDesc", "alert/info[1]/area[1]/areaDesc")]
    [InlineData("polygon open", "alert/info[1]/area[1]/polygon")]
    [InlineData("polygon off the earth", "alert/info[1]/area[1]/polygon")]
    [InlineData("circle without radius", "alert/info[1]/area[1]/circle")]
    public void EachBrokenRuleIsNamedWithItsPlace(string change, string path)
    {
        var raised = change == "update without references" ? Valid(AlertState.Acknowledged, 2) : Valid();
        var alert = raised.Root!;
        Assert.Empty(CapValidator.Validate(raised));
        var info = alert.Element(Cap + "info")!;
        var area = info.Element(Cap + "area")!;
        void Set(XElement parent, string name, string value) => parent.Element(Cap + name)!.Value = value;
        switch (change)
        {
            case "no identifier": alert.Element(Cap + "identifier")!.Remove(); break;
            case "identifier with a space": Set(alert, "identifier", "alert 1"); break;
            case "sent in Z": Set(alert, "sent", "2026-07-01T01:30:00Z"); break;
            case "sent not a date": Set(alert, "sent", "2026-13-01T01:30:00+08:00"); break;
            case "status unknown": Set(alert, "status", "Real"); break;
            case "msgType unknown": Set(alert, "msgType", "Amend"); break;
            case "scope Restricted alone": Set(alert, "scope", "Restricted"); break;
            case "scope Private alone": Set(alert, "scope", "Private"); break;
            case "update without references": alert.Element(Cap + "references")!.Remove(); break;
            case "references not a triple": Set(alert, "msgType", "Update"); alert.Element(Cap + "scope")!.AddAfterSelf(new XElement(Cap + "references", "smartcommunity.gateway,1")); break;
            case "two senders": alert.Element(Cap + "sender")!.AddAfterSelf(new XElement(Cap + "sender", "another")); break;
            case "note after info": alert.Add(new XElement(Cap + "note", "late")); break;
            case "unknown element": alert.Element(Cap + "scope")!.AddAfterSelf(new XElement(Cap + "priority", "high")); break;
            case "category unknown": Set(info, "category", "Flood"); break;
            case "no category": info.Element(Cap + "category")!.Remove(); break;
            case "empty event": Set(info, "event", " "); break;
            case "urgency unknown": Set(info, "urgency", "Now"); break;
            case "severity unknown": Set(alert.Elements(Cap + "info").ElementAt(1), "severity", "Red"); break;
            case "certainty missing": info.Element(Cap + "certainty")!.Remove(); break;
            case "responseType unknown": info.Element(Cap + "event")!.AddAfterSelf(new XElement(Cap + "responseType", "Run")); break;
            case "language not a tag": Set(info, "language", "Chinese (China)"); break;
            case "headline before event": info.Element(Cap + "event")!.AddBeforeSelf(new XElement(Cap + "headline", "early")); info.Elements(Cap + "headline").Last().Remove(); break;
            case "parameter without value": info.Element(Cap + "parameter")!.Element(Cap + "value")!.Remove(); break;
            case "resource without mimeType": info.Element(Cap + "resource")!.Element(Cap + "mimeType")!.Remove(); break;
            case "mimeType not a media type": Set(info.Element(Cap + "resource")!, "mimeType", "HLS playlist"); break;
            case "area without areaDesc": area.Element(Cap + "areaDesc")!.Remove(); break;
            case "polygon open": Set(area, "polygon", "28.1,112.9 28.1,113 28.2,113 28.3,113"); break;
            case "polygon off the earth": Set(area, "polygon", "95,112.9 28.1,113 28.2,113 95,112.9"); break;
            case "circle without radius": Set(area, "circle", "28.15,112.95"); break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }

        var violations = CapValidator.Validate(raised);
        Assert.Contains(violations, v => v.Path == path);
        Assert.All(violations, v => Assert.Contains("§3.", v.Rule, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAlertCapCannotCarryIsRefusedWithCapInvalidTheRuleAndACount()
    {
        await using var bed = AlertsTestBed.Start(AlertsTestBed.NewClock());
        // A feature that names a category CAP does not have (flood is "Met" in CAP 1.2 §3.2.2).
        var flood = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-flood", "intrusion", AlertLevel.Orange) with { Category = "Flood" });
        var footage = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-footage", "intrusion", AlertLevel.Orange) with
        {
            Evidence = [new EvidenceLink("footage", "/api/video/cameras/c1/footage?from=1&to=2", "录像 footage", "application/vnd.apple.mpegurl")],
        });
        using var staff = await bed.Gateway.LoginAsync("em");

        var refused = await staff.GetAsync($"/api/alerts/{flood.Id}/cap");
        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("cap_invalid", problem.GetProperty("code").GetString());
        var rules = problem.GetProperty("errors").GetProperty("alert/info[1]/category");
        Assert.Contains("'Flood' is not one of", rules[0].GetString(), StringComparison.Ordinal);

        // An alert with a footage link the gateway serves: exported, the link absolute on the address asked.
        var exported = await staff.GetAsync($"/api/alerts/{footage.Id}/cap");
        Assert.Equal(HttpStatusCode.OK, exported.StatusCode);
        var cap = XDocument.Parse(await exported.Content.ReadAsStringAsync());
        Assert.Empty(CapValidator.Validate(cap));
        Assert.Equal("http://localhost/api/video/cameras/c1/footage?from=1&to=2", cap.Descendants(Cap + "uri").First().Value);

        var metrics = bed.Gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render();
        Assert.Contains("sc_alerts_cap_invalid_total 1\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CapSettingsEveryMessageWouldBreakStopTheStart()
    {
        await using var gateway = new GatewayFactory(settings: new() { ["Alerts:Cap:Status"] = "Real", ["Alerts:Cap:Sender"] = "smart community" });

        var error = Assert.ThrowsAny<OptionsValidationException>(() => gateway.Start());

        Assert.Contains("Alerts:Cap: The field Status", error.Message, StringComparison.Ordinal);
        Assert.Contains("Alerts:Cap: The field Sender", error.Message, StringComparison.Ordinal);
    }
}
