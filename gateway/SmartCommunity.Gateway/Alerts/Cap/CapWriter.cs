using System.Globalization;
using System.Xml.Linq;
using SmartCommunity.Gateway.Grid;

namespace SmartCommunity.Gateway.Alerts.Cap;

/// <summary>
/// Renders an alert as an OASIS CAP 1.2 <c>alert</c> (the basis of China's GB/T 35965.1 early-warning exchange).
/// Element order follows the CAP 1.2 XML schema; section numbers below are those of the CAP 1.2 standard.
/// </summary>
public static class CapWriter
{
    public static readonly XNamespace Ns = "urn:oasis:names:tc:emergency:cap:1.2";

    /// <param name="baseUri">
    /// The gateway's address as the consumer reaches it: evidence links the gateway serves itself (<c>/api/…</c>)
    /// are made absolute against it, since §3.2.3 allows a relative <c>uri</c> only beside a <c>derefUri</c>.
    /// </param>
    public static XDocument Render(Alert alert, CapOptions options, GridSnapshot grid, Uri? baseUri = null)
    {
        // §3.2.1 msgType: the first message is an Alert; later states are Updates, a withdrawal is a Cancel.
        var msgType = alert.State == AlertState.Cancelled ? "Cancel" : alert.Version <= 1 && alert.State == AlertState.Raised ? "Alert" : "Update";
        var first = msgType == "Alert";
        var root = new XElement(Ns + "alert",
            // §3.2.1 identifier: unique per message and free of spaces, commas, '<' and '&'.
            new XElement(Ns + "identifier", first ? alert.Id : $"{alert.Id}.{alert.Version}"),
            new XElement(Ns + "sender", options.Sender),
            new XElement(Ns + "sent", Time(first ? alert.RaisedAt : alert.UpdatedAt, options)),
            new XElement(Ns + "status", options.Status),
            new XElement(Ns + "msgType", msgType),
            new XElement(Ns + "scope", "Public"));
        if (Note(alert, grid) is { } note)
        {
            root.Add(new XElement(Ns + "note", note));
        }

        if (!first)
        {
            // §3.2.1 references: "sender,identifier,sent" of the message this one updates or cancels.
            root.Add(new XElement(Ns + "references", $"{options.Sender},{alert.Id},{Time(alert.RaisedAt, options)}"));
        }

        var areaDesc = AreaDescription(alert, grid);
        root.Add(Info(alert, "zh-CN", alert.Title.Zh, alert.Text.Zh, areaDesc.Zh, options, grid, baseUri));
        root.Add(Info(alert, "en-US", alert.Title.En, alert.Text.En, areaDesc.En, options, grid, baseUri));
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    /// <summary>§3.3.2 dateTime: "2002-05-24T16:49:00-07:00", never "Z"; UTC is written "-00:00".</summary>
    public static string Time(DateTimeOffset at, CapOptions options)
    {
        var local = at.ToOffset(options.UtcOffset);
        var text = local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return options.UtcOffset == TimeSpan.Zero ? text + "-00:00" : text + local.ToString("zzz", CultureInfo.InvariantCulture);
    }

    /// <summary>§3.2.2 severity from the Chinese colour: red→Extreme, orange→Severe, yellow→Moderate, blue→Minor.</summary>
    public static string Severity(AlertLevel level) => level switch
    {
        AlertLevel.Red => "Extreme",
        AlertLevel.Orange => "Severe",
        AlertLevel.Yellow => "Moderate",
        _ => "Minor",
    };

    /// <summary>§3.2.2 urgency: red and orange call for action now; a closed alert is Past.</summary>
    public static string Urgency(Alert alert) => !alert.IsOpen ? "Past" : alert.Level switch
    {
        AlertLevel.Red or AlertLevel.Orange => "Immediate",
        AlertLevel.Yellow => "Expected",
        _ => "Future",
    };

    /// <summary>§3.2.2 category from the source kind, unless the trigger named one.</summary>
    public static string Category(Alert alert) => alert.Category ?? alert.Source.Kind switch
    {
        "discharge" or "reservoir" or "water-level" or "flood" => "Met",
        "spot" or "water" or "drowning" => "Safety",
        "shelter" => "Rescue",
        "camera" or "door" or "door-access" or "access" => "Security",
        "device" or "warning-device" => "Infra",
        "fire" => "Fire",
        _ => "Other",
    };

    private static XElement Info(Alert alert, string language, string title, string text, string areaDesc, CapOptions options, GridSnapshot grid, Uri? baseUri)
    {
        var info = new XElement(Ns + "info",
            new XElement(Ns + "language", language),
            new XElement(Ns + "category", Category(alert)),
            new XElement(Ns + "event", title));
        if (!alert.IsOpen)
        {
            info.Add(new XElement(Ns + "responseType", "AllClear"));
        }

        info.Add(
            new XElement(Ns + "urgency", Urgency(alert)),
            new XElement(Ns + "severity", Severity(alert.Level)),
            new XElement(Ns + "certainty", "Observed"),
            new XElement(Ns + "eventCode", new XElement(Ns + "valueName", "sc-type"), new XElement(Ns + "value", alert.Type)),
            new XElement(Ns + "effective", Time(alert.RaisedAt, options)),
            new XElement(Ns + "senderName", language == "zh-CN" ? "社区网格预警" : "SmartCommunity gateway"),
            new XElement(Ns + "headline", title),
            new XElement(Ns + "description", text),
            Parameter("level", $"{AlertNames.Of(alert.Level)} {Roman(alert.Level)}"),
            Parameter("state", AlertNames.Of(alert.State)),
            Parameter("count", alert.Count.ToString(CultureInfo.InvariantCulture)),
            Parameter("source", alert.Source.ToString()));
        foreach (var evidence in alert.Evidence)
        {
            // §3.2.3 resource: resourceDesc and mimeType are required.
            info.Add(new XElement(Ns + "resource",
                new XElement(Ns + "resourceDesc", evidence.Description ?? evidence.Kind),
                new XElement(Ns + "mimeType", evidence.MimeType ?? "application/octet-stream"),
                new XElement(Ns + "uri", Absolute(evidence.Uri, baseUri))));
        }

        info.Add(Area(alert, areaDesc, options, grid));
        return info;
    }

    private static XElement Area(Alert alert, string areaDesc, CapOptions options, GridSnapshot grid)
    {
        var area = new XElement(Ns + "area", new XElement(Ns + "areaDesc", areaDesc));
        if (alert.Area?.Polygon is { Count: >= 3 } polygon)
        {
            // §3.2.4 polygon: at least four WGS-84 "lat,lon" pairs, the first and last the same.
            var points = polygon.ToList();
            if (points[0] != points[^1])
            {
                points.Add(points[0]);
            }

            area.Add(new XElement(Ns + "polygon", string.Join(' ', points.Select(Pair))));
        }

        var (lat, lon) = alert.Area is { Lat: { } la, Lon: { } lo } ? (la, lo) : CellCentre(alert.CellId, grid);
        if (lat is { } y && lon is { } x)
        {
            // §3.2.4 circle: "lat,lon radius" with the radius in kilometres.
            var radius = alert.Area?.RadiusKm ?? options.DefaultRadiusKm;
            area.Add(new XElement(Ns + "circle", Pair(new GeoPoint(y, x)) + " " + radius.ToString("0.###", CultureInfo.InvariantCulture)));
        }

        return area;
    }

    private static (double? Lat, double? Lon) CellCentre(string? cellId, GridSnapshot grid) =>
        grid.PathToRoot(cellId).FirstOrDefault(c => c.Lat is not null && c.Lon is not null) is { } cell ? (cell.Lat, cell.Lon) : (null, null);

    private static (string Zh, string En) AreaDescription(Alert alert, GridSnapshot grid)
    {
        if (alert.Area?.Description is { Length: > 0 } described)
        {
            return (described, described);
        }

        var path = grid.PathToRoot(alert.CellId);
        return path.Count == 0
            ? (alert.CellId ?? "未指定区域", alert.CellId ?? "Unspecified area")
            : (string.Concat(path.Reverse().Select(c => c.Name)), string.Join(", ", path.Select(c => c.Name)));
    }

    // A CAP consumer (the district platform, a siren controller's operator) reads who acted by name: a person's ID
    // means nothing outside this gateway. An ID no longer in the grid (a person since removed) is all there is left.
    private static string? Note(Alert alert, GridSnapshot grid) => alert.State switch
    {
        AlertState.Acknowledged => $"Acknowledged by {NameOf(alert.AcknowledgedBy, grid)}",
        AlertState.Resolved => $"Resolved by {(alert.ResolvedBy is null ? "condition" : NameOf(alert.ResolvedBy, grid))}: {alert.ResolutionNote}",
        AlertState.Cancelled => $"Cancelled: {alert.ResolutionNote}",
        _ => null,
    };

    private static string? NameOf(string? personId, GridSnapshot grid) => grid.PersonById(personId)?.Name ?? personId;

    private static string Absolute(string uri, Uri? baseUri) =>
        baseUri is not null && !CapValidator.IsAbsoluteUri(uri) && Uri.TryCreate(baseUri, uri, out var full) ? full.AbsoluteUri : uri;

    private static XElement Parameter(string name, string value) => new(Ns + "parameter", new XElement(Ns + "valueName", name), new XElement(Ns + "value", value));

    private static string Pair(GeoPoint p) => p.Lat.ToString("0.######", CultureInfo.InvariantCulture) + "," + p.Lon.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Roman(AlertLevel level) => level switch { AlertLevel.Red => "I", AlertLevel.Orange => "II", AlertLevel.Yellow => "III", _ => "IV" };
}
