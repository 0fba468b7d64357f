using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace SmartCommunity.Gateway.Alerts.Cap;

/// <summary>One OASIS CAP 1.2 rule a message breaks: where (<c>alert/info[2]/urgency</c>) and which rule, with its section.</summary>
public sealed record CapViolation(string Path, string Rule);

/// <summary>
/// Checks a CAP message against OASIS CAP 1.2 (2010) before the gateway hands it out: the elements of §3.2 in the
/// schema's order and number, the required ones present and not empty, every enumeration, the date-time form of
/// §3.3.2, identifiers free of the characters §3.2.1 forbids, references as "sender,identifier,sent" triples,
/// resource URIs absolute unless a <c>derefUri</c> carries the content (§3.2.3), WGS-84 polygons and circles
/// (§3.2.4). A 12379-style consumer refuses a message that breaks any of these; refusing it here says which.
/// </summary>
public static partial class CapValidator
{
    private static readonly XNamespace Ns = CapWriter.Ns;
    private static readonly XNamespace XmlDsig = "http://www.w3.org/2000/09/xmldsig#";

    // The schema's sequences: name, minimum, maximum (CAP 1.2 XML schema, §3.4).
    private static readonly (string Name, int Min, int Max)[] AlertSequence =
    [
        ("identifier", 1, 1), ("sender", 1, 1), ("sent", 1, 1), ("status", 1, 1), ("msgType", 1, 1), ("source", 0, 1),
        ("scope", 1, 1), ("restriction", 0, 1), ("addresses", 0, 1), ("code", 0, int.MaxValue), ("note", 0, 1),
        ("references", 0, 1), ("incidents", 0, 1), ("info", 0, int.MaxValue),
    ];

    private static readonly (string Name, int Min, int Max)[] InfoSequence =
    [
        ("language", 0, 1), ("category", 1, int.MaxValue), ("event", 1, 1), ("responseType", 0, int.MaxValue), ("urgency", 1, 1),
        ("severity", 1, 1), ("certainty", 1, 1), ("audience", 0, 1), ("eventCode", 0, int.MaxValue), ("effective", 0, 1),
        ("onset", 0, 1), ("expires", 0, 1), ("senderName", 0, 1), ("headline", 0, 1), ("description", 0, 1),
        ("instruction", 0, 1), ("web", 0, 1), ("contact", 0, 1), ("parameter", 0, int.MaxValue), ("resource", 0, int.MaxValue),
        ("area", 0, int.MaxValue),
    ];

    private static readonly (string Name, int Min, int Max)[] ResourceSequence =
        [("resourceDesc", 1, 1), ("mimeType", 1, 1), ("size", 0, 1), ("uri", 0, 1), ("derefUri", 0, 1), ("digest", 0, 1)];

    private static readonly (string Name, int Min, int Max)[] AreaSequence =
        [("areaDesc", 1, 1), ("polygon", 0, int.MaxValue), ("circle", 0, int.MaxValue), ("geocode", 0, int.MaxValue), ("altitude", 0, 1), ("ceiling", 0, 1)];

    private static readonly (string Name, int Min, int Max)[] NamedValueSequence = [("valueName", 1, 1), ("value", 1, 1)];

    // §3.2.1 and §3.2.2: the code values.
    private static readonly string[] Statuses = ["Actual", "Exercise", "System", "Test", "Draft"];
    private static readonly string[] MsgTypes = ["Alert", "Update", "Cancel", "Ack", "Error"];
    private static readonly string[] Scopes = ["Public", "Restricted", "Private"];
    private static readonly string[] Categories = ["Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other"];
    private static readonly string[] ResponseTypes = ["Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"];
    private static readonly string[] Urgencies = ["Immediate", "Expected", "Future", "Past", "Unknown"];
    private static readonly string[] Severities = ["Extreme", "Severe", "Moderate", "Minor", "Unknown"];
    private static readonly string[] Certainties = ["Observed", "Likely", "Possible", "Unlikely", "Unknown"];

    /// <summary>Every rule the message breaks, in document order; empty when it is valid CAP 1.2.</summary>
    public static IReadOnlyList<CapViolation> Validate(XDocument document)
    {
        var found = new List<CapViolation>();
        if (document.Root is not { } alert || alert.Name != Ns + "alert")
        {
            found.Add(new("alert", $"the root element must be <alert> in {Ns.NamespaceName} (§3.4)"));
            return found;
        }

        Sequence(alert, "alert", AlertSequence, found, allowSignature: true);
        Identifier(alert, "identifier", found);
        Identifier(alert, "sender", found);
        DateTime(alert, "alert", "sent", found);
        OneOf(alert, "alert", "status", Statuses, found);
        var msgType = OneOf(alert, "alert", "msgType", MsgTypes, found);
        var scope = OneOf(alert, "alert", "scope", Scopes, found);
        if (scope == "Restricted" && Text(alert, "restriction") is null)
        {
            found.Add(new("alert/restriction", "required when scope is Restricted (§3.2.1)"));
        }

        if (scope == "Private" && Text(alert, "addresses") is null)
        {
            found.Add(new("alert/addresses", "required when scope is Private (§3.2.1)"));
        }

        References(alert, msgType, found);
        var index = 0;
        foreach (var info in alert.Elements(Ns + "info"))
        {
            Info(info, $"alert/info[{++index}]", found);
        }

        return found;
    }

    private static void Info(XElement info, string path, List<CapViolation> found)
    {
        Sequence(info, path, InfoSequence, found);
        if (Text(info, "language") is { } language && !Language().IsMatch(language))
        {
            found.Add(new($"{path}/language", $"'{language}' is not an RFC 3066 language tag (§3.2.2)"));
        }

        foreach (var category in info.Elements(Ns + "category"))
        {
            Enumerated(category.Value, $"{path}/category", Categories, found);
        }

        foreach (var response in info.Elements(Ns + "responseType"))
        {
            Enumerated(response.Value, $"{path}/responseType", ResponseTypes, found);
        }

        OneOf(info, path, "urgency", Urgencies, found);
        OneOf(info, path, "severity", Severities, found);
        OneOf(info, path, "certainty", Certainties, found);
        foreach (var name in new[] { "effective", "onset", "expires" })
        {
            DateTime(info, path, name, found);
        }

        if (Text(info, "web") is { } web && !IsAbsoluteUri(web))
        {
            found.Add(new($"{path}/web", "must be a full absolute URI (§3.2.2)"));
        }

        foreach (var (name, elements) in new[] { ("eventCode", info.Elements(Ns + "eventCode")), ("parameter", info.Elements(Ns + "parameter")) })
        {
            var n = 0;
            foreach (var pair in elements)
            {
                Sequence(pair, $"{path}/{name}[{++n}]", NamedValueSequence, found);
            }
        }

        var r = 0;
        foreach (var resource in info.Elements(Ns + "resource"))
        {
            Resource(resource, $"{path}/resource[{++r}]", found);
        }

        var a = 0;
        foreach (var area in info.Elements(Ns + "area"))
        {
            Area(area, $"{path}/area[{++a}]", found);
        }
    }

    private static void Resource(XElement resource, string path, List<CapViolation> found)
    {
        Sequence(resource, path, ResourceSequence, found);
        if (Text(resource, "mimeType") is { } mime && !MimeType().IsMatch(mime))
        {
            found.Add(new($"{path}/mimeType", $"'{mime}' is not an RFC 2046 media type (§3.2.3)"));
        }

        if (Text(resource, "size") is { } size && !long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            found.Add(new($"{path}/size", "must be a whole number of bytes (§3.2.3)"));
        }

        // §3.2.3 uri: "a full absolute URI … or a relative URI to name the content of a <derefUri> element if one is present".
        if (Text(resource, "uri") is { } uri && !IsAbsoluteUri(uri) && Text(resource, "derefUri") is null)
        {
            found.Add(new($"{path}/uri", $"'{uri}' is relative and there is no derefUri: a full absolute URI is required (§3.2.3)"));
        }
    }

    private static void Area(XElement area, string path, List<CapViolation> found)
    {
        Sequence(area, path, AreaSequence, found);
        foreach (var polygon in area.Elements(Ns + "polygon"))
        {
            // §3.2.4 polygon: four or more WGS-84 "lat,lon" pairs separated by spaces, the first and last the same.
            var pairs = polygon.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (pairs.Length < 4 || pairs[0] != pairs[^1] || !pairs.All(p => Point(p)))
            {
                found.Add(new($"{path}/polygon", "must be four or more WGS-84 \"lat,lon\" pairs, the first and last the same (§3.2.4)"));
            }
        }

        foreach (var circle in area.Elements(Ns + "circle"))
        {
            // §3.2.4 circle: a "lat,lon" centre, a space, and a radius in kilometres.
            var parts = circle.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !Point(parts[0]) || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var radius) || radius < 0)
            {
                found.Add(new($"{path}/circle", "must be a WGS-84 \"lat,lon\" centre and a radius in km (§3.2.4)"));
            }
        }

        if (Text(area, "ceiling") is not null && Text(area, "altitude") is null)
        {
            found.Add(new($"{path}/ceiling", "may only be used with altitude (§3.2.4)"));
        }
    }

    /// <summary>The children are known, in the schema's order, each as often as it may be, required ones not empty.</summary>
    private static void Sequence(XElement parent, string path, (string Name, int Min, int Max)[] sequence, List<CapViolation> found, bool allowSignature = false)
    {
        var position = 0;
        var counts = new int[sequence.Length];
        foreach (var child in parent.Elements())
        {
            if (allowSignature && child.Name.Namespace == XmlDsig)
            {
                continue; // The schema's one extension point: an XML signature at the end of <alert> (§3.3.4).
            }

            var at = child.Name.Namespace == Ns ? Array.FindIndex(sequence, s => s.Name == child.Name.LocalName) : -1;
            if (at < 0)
            {
                found.Add(new($"{path}/{child.Name.LocalName}", "is not an element of CAP 1.2 here (§3.2)"));
                continue;
            }

            if (at < position)
            {
                found.Add(new($"{path}/{child.Name.LocalName}", $"is out of the schema's order: it comes before {sequence[position].Name} (§3.4)"));
            }

            position = Math.Max(position, at);
            counts[at]++;
            if (child.HasElements is false && string.IsNullOrWhiteSpace(child.Value) && sequence[at].Min > 0)
            {
                found.Add(new($"{path}/{child.Name.LocalName}", "is required and must not be empty (§3.2)"));
            }
        }

        for (var i = 0; i < sequence.Length; i++)
        {
            if (counts[i] < sequence[i].Min)
            {
                found.Add(new($"{path}/{sequence[i].Name}", "is required (§3.2)"));
            }
            else if (counts[i] > sequence[i].Max)
            {
                found.Add(new($"{path}/{sequence[i].Name}", $"may appear only once, not {counts[i]} times (§3.2)"));
            }
        }
    }

    /// <summary>§3.2.1 identifier and sender: "MUST NOT include spaces, commas or restricted characters (&lt; and &amp;)".</summary>
    private static void Identifier(XElement alert, string name, List<CapViolation> found)
    {
        if (Text(alert, name) is { } value && value.IndexOfAny([' ', ',', '<', '&']) >= 0)
        {
            found.Add(new($"alert/{name}", "must not contain spaces, commas, '<' or '&' (§3.2.1)"));
        }
    }

    /// <summary>§3.2.1 references: space-separated "sender,identifier,sent" of the messages this one refers to.</summary>
    private static void References(XElement alert, string? msgType, List<CapViolation> found)
    {
        var references = Text(alert, "references");
        if (references is null)
        {
            // §3.2.1 msgType: an Update or a Cancel supersedes "the earlier message(s) identified in <references>".
            if (msgType is "Update" or "Cancel")
            {
                found.Add(new("alert/references", $"a {msgType} must name the message it supersedes (§3.2.1)"));
            }

            return;
        }

        foreach (var triple in references.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = triple.Split(',');
            if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || !IsDateTime(parts[2]))
            {
                found.Add(new("alert/references", $"'{triple}' is not \"sender,identifier,sent\" (§3.2.1)"));
            }
        }
    }

    private static string? OneOf(XElement parent, string path, string name, string[] allowed, List<CapViolation> found)
    {
        var value = Text(parent, name);
        if (value is not null)
        {
            Enumerated(value, $"{path}/{name}", allowed, found);
        }

        return value;
    }

    private static void Enumerated(string value, string path, string[] allowed, List<CapViolation> found)
    {
        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            found.Add(new(path, $"'{value}' is not one of {string.Join(", ", allowed)} (§3.2)"));
        }
    }

    private static void DateTime(XElement parent, string path, string name, List<CapViolation> found)
    {
        if (Text(parent, name) is { } value && !IsDateTime(value))
        {
            found.Add(new($"{path}/{name}", $"'{value}' is not a CAP date-time such as 2002-05-24T16:49:00-07:00 (no \"Z\"; §3.3.2)"));
        }
    }

    private static bool IsDateTime(string value) =>
        CapDateTime().IsMatch(value) && DateTimeOffset.TryParseExact(value, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>A URI with its scheme written out: .NET on Unix would take "/api/…" for an absolute file path.</summary>
    public static bool IsAbsoluteUri(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && value.StartsWith(uri.Scheme + ":", StringComparison.OrdinalIgnoreCase);

    private static bool Point(string pair)
    {
        var parts = pair.Split(',');
        return parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat) && lat is >= -90 and <= 90
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon) && lon is >= -180 and <= 180;
    }

    private static string? Text(XElement parent, string name) =>
        parent.Element(Ns + name)?.Value is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2}$")]
    private static partial Regex CapDateTime();

    [GeneratedRegex("^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")]
    private static partial Regex Language();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$")]
    private static partial Regex MimeType();
}
