using System.Globalization;

namespace SmartCommunity.Testing;

/// <summary>One sample line of the Prometheus text format 0.0.4: <c>name{labels} value</c>.</summary>
public sealed record PrometheusSample(string Name, string Labels, double Value);

/// <summary>
/// A reader of the Prometheus text exposition format 0.0.4 (what a scraper reads from <c>/metrics</c>): the
/// <c># TYPE</c> of every family and every sample. It throws on a line a scraper would refuse, so a test that parses
/// a scrape also checks that the scrape is well-formed.
/// </summary>
public sealed class PrometheusText
{
    private PrometheusText(IReadOnlyDictionary<string, string> types, IReadOnlyList<PrometheusSample> samples)
    {
        Types = types;
        Samples = samples;
    }

    /// <summary>The declared type (counter, gauge, histogram, summary, untyped) of each metric family.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    public static PrometheusText Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<PrometheusSample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                if (parts.Length != 4 || !types.TryAdd(parts[2], parts[3]))
                {
                    throw new FormatException("A bad or repeated TYPE line: " + line);
                }

                continue;
            }

            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            var end = brace >= 0 ? line.LastIndexOf('}') : -1;
            if (space <= 0 || (brace >= 0 && end < brace))
            {
                throw new FormatException("Not a sample line: " + line);
            }

            var name = brace >= 0 ? line[..brace] : line[..space];
            var labels = brace >= 0 ? line[(brace + 1)..end] : "";
            var raw = line[(space + 1)..];
            var value = raw switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            if (FamilyOf(name, types) is null)
            {
                throw new FormatException("A sample of no declared family: " + line);
            }

            samples.Add(new PrometheusSample(name, labels, value));
        }

        return new PrometheusText(types, samples);
    }

    /// <summary>The type declared for the family a sample belongs to (histograms' _bucket, _sum and _count included).</summary>
    public string? TypeOf(string sampleName) => FamilyOf(sampleName, Types);

    /// <summary>The value of the sample with exactly these labels, or null when it is not there.</summary>
    public double? Value(string name, string labels = "") =>
        Samples.FirstOrDefault(s => s.Name == name && s.Labels == labels)?.Value;

    /// <summary>Quantile from a histogram's cumulative buckets (any labels), interpolated linearly inside the bucket.</summary>
    public static double HistogramQuantile(string metrics, string name, double q)
    {
        var parsed = Parse(metrics);
        var buckets = parsed.Samples.Where(s => s.Name == name + "_bucket" && !double.IsPositiveInfinity(LeOf(s.Labels)))
            .Select(s => (Le: LeOf(s.Labels), Count: s.Value)).OrderBy(b => b.Le).ToList();
        var total = parsed.Samples.FirstOrDefault(s => s.Name == name + "_count")?.Value ?? 0;
        if (total == 0)
        {
            return double.NaN;
        }

        double previousLe = 0, previousCount = 0;
        foreach (var (le, count) in buckets)
        {
            if (count >= q * total)
            {
                return previousLe + ((le - previousLe) * ((q * total) - previousCount) / Math.Max(1, count - previousCount));
            }

            (previousLe, previousCount) = (le, count);
        }

        return previousLe;
    }

    private static double LeOf(string labels)
    {
        var start = labels.IndexOf("le=\"", StringComparison.Ordinal) + 4;
        var le = labels[start..labels.IndexOf('"', start)];
        return le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
    }

    private static string? FamilyOf(string sampleName, IReadOnlyDictionary<string, string> types)
    {
        if (types.TryGetValue(sampleName, out var type))
        {
            return type;
        }

        foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(sampleName[..^suffix.Length], out var family)
                && family is "histogram" or "summary")
            {
                return family;
            }
        }

        return null;
    }
}
