using System.Text.Json;
using System.Text.RegularExpressions;

namespace SmartCommunity.Gateway.Tests.TimeSeries;

/// <summary>One InfluxQL query found in a dashboard file: a panel target, a template variable or an annotation.</summary>
public sealed record DashboardQuery(string File, string Where, string InfluxQl)
{
    public override string ToString() => $"{File}: {Where}";
}

/// <summary>Reads <c>dashboards/grafana</c> and turns Grafana's macros into concrete InfluxQL.</summary>
internal static partial class GrafanaDashboards
{
    public static string Root { get; } = FindRoot();

    public static IEnumerable<DashboardQuery> Queries()
    {
        foreach (var path in Directory.EnumerateFiles(Path.Combine(Root, "dashboards"), "*.json").Order(StringComparer.Ordinal))
        {
            var file = Path.GetFileName(path);
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            foreach (var panel in Panels(root))
            {
                foreach (var target in panel.GetProperty("targets").EnumerateArray())
                {
                    yield return new(file, $"panel '{panel.GetProperty("title").GetString()}' {target.GetProperty("refId").GetString()}", target.GetProperty("query").GetString()!);
                }
            }

            foreach (var variable in Array(root, "templating"))
            {
                yield return new(file, $"variable ${variable.GetProperty("name").GetString()}", variable.GetProperty("query").GetString()!);
            }

            foreach (var annotation in Array(root, "annotations").Where(a => a.TryGetProperty("query", out _)))
            {
                yield return new(file, $"annotation '{annotation.GetProperty("name").GetString()}'", annotation.GetProperty("query").GetString()!);
            }
        }
    }

    /// <summary>
    /// What Grafana sends: <c>$timeFilter</c> as an absolute range, <c>$__interval</c> as the data source's minimum (10 s, the devices' reporting step in the test data), and every template
    /// variable as its "All" value (<c>.*</c>, the dashboards' default), inside the <c>/^…$/</c> regexes the panels use.
    /// </summary>
    public static string Concrete(string influxQl, long fromMs, long toMs) =>
        Variable().Replace(
            influxQl.Replace("$timeFilter", $"time >= {fromMs}ms and time <= {toMs}ms", StringComparison.Ordinal)
                .Replace("$__interval_ms", "10000", StringComparison.Ordinal)
                .Replace("$__interval", "10s", StringComparison.Ordinal)
                .Replace("$interval", "10s", StringComparison.Ordinal),
            ".*");

    /// <summary>Measurements a query reads (<c>FROM "x"</c>).</summary>
    public static IEnumerable<string> Measurements(string influxQl) => From().Matches(influxQl).Select(m => m.Groups[1].Value);

    private static IEnumerable<JsonElement> Panels(JsonElement root)
    {
        foreach (var panel in root.GetProperty("panels").EnumerateArray())
        {
            if (panel.TryGetProperty("targets", out _))
            {
                yield return panel;
            }

            // Collapsed rows keep their panels inside.
            if (panel.TryGetProperty("panels", out var nested))
            {
                foreach (var inner in nested.EnumerateArray().Where(p => p.TryGetProperty("targets", out _)))
                {
                    yield return inner;
                }
            }
        }
    }

    private static List<JsonElement> Array(JsonElement root, string name) =>
        root.TryGetProperty(name, out var section) && section.TryGetProperty("list", out var list) ? list.EnumerateArray().ToList() : [];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "dashboards", "grafana");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("dashboards/grafana not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\[\[[A-Za-z0-9_]+\]\]", RegexOptions.CultureInvariant)]
    private static partial Regex Variable();

    [GeneratedRegex("FROM \"([^\"]+)\"", RegexOptions.CultureInvariant)]
    private static partial Regex From();
}
