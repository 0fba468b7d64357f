using System.Xml.Linq;

namespace SmartCommunity.Gateway.Alerts.Cap;

/// <summary>
/// An Atom 1.0 (RFC 4287) feed of active alerts, the way CAP aggregators (e.g. the WMO alert hub) poll issuers:
/// one entry per alert, linking to its CAP document.
/// </summary>
public static class AtomFeed
{
    public static readonly XNamespace Ns = "http://www.w3.org/2005/Atom";

    /// <param name="self">Absolute URL of <c>api/alerts</c>; entries link to <c>{self}/{id}/cap</c>.</param>
    public static XDocument Render(IReadOnlyList<Alert> alerts, string self, CapOptions options, DateTimeOffset now)
    {
        var updated = alerts.Count == 0 ? now : alerts.Max(a => a.UpdatedAt);
        var feed = new XElement(Ns + "feed",
            new XElement(Ns + "id", self + "/feed"),
            new XElement(Ns + "title", "活动预警 Active alerts"),
            new XElement(Ns + "updated", CapWriter.Time(updated, options)),
            new XElement(Ns + "author", new XElement(Ns + "name", options.Sender)),
            new XElement(Ns + "link", new XAttribute("rel", "self"), new XAttribute("href", self + "/feed")));
        foreach (var alert in alerts)
        {
            feed.Add(new XElement(Ns + "entry",
                new XElement(Ns + "id", $"{self}/{alert.Id}"),
                new XElement(Ns + "title", $"[{AlertNames.Of(alert.Level)}] {alert.Title.Zh} / {alert.Title.En}"),
                new XElement(Ns + "updated", CapWriter.Time(alert.UpdatedAt, options)),
                new XElement(Ns + "category", new XAttribute("term", AlertNames.Of(alert.Level))),
                new XElement(Ns + "summary", $"{alert.Text.Zh} {alert.Text.En}"),
                new XElement(Ns + "link", new XAttribute("rel", "alternate"), new XAttribute("type", Api.AlertsApi.CapMediaType), new XAttribute("href", $"{self}/{alert.Id}/cap"))));
        }

        return new XDocument(new XDeclaration("1.0", "utf-8", null), feed);
    }
}
