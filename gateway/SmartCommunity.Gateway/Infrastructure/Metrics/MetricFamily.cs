using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace SmartCommunity.Gateway.Infrastructure.Metrics;

internal sealed class MetricFamily(string name, string help, string type)
{
    private readonly ConcurrentDictionary<string, IMetricChild> _children = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public string Type { get; } = type;

    public T GetOrAdd<T>((string Key, string Value)[] labels, Func<(string Key, string Value)[], T> create)
        where T : IMetricChild
    {
        var key = FormatLabels(labels);
        return (T)_children.GetOrAdd(key, _ => create(labels));
    }

    public void Render(StringBuilder builder)
    {
        builder.Append("# HELP ").Append(Name).Append(' ').Append(help).Append('\n');
        builder.Append("# TYPE ").Append(Name).Append(' ').Append(Type).Append('\n');
        foreach (var (labels, child) in _children.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            child.Render(builder, Name, labels);
        }
    }

    internal static string FormatLabels((string Key, string Value)[] labels)
    {
        if (labels.Length == 0)
        {
            return "";
        }

        var builder = new StringBuilder();
        foreach (var (key, value) in labels)
        {
            builder.Append(builder.Length == 0 ? "" : ",").Append(key).Append("=\"").Append(Escape(value)).Append('"');
        }

        return builder.ToString();
    }

    // Prometheus exposition format: label values escape backslash, double quote and line feed.
    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    internal static string Number(double value) => double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("R", CultureInfo.InvariantCulture);
}

internal interface IMetricChild
{
    void Render(StringBuilder builder, string name, string labels);
}
