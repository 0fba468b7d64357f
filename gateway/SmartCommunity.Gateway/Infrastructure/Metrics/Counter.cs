using System.Text;

namespace SmartCommunity.Gateway.Infrastructure.Metrics;

/// <summary>A monotonically increasing count. Thread-safe; one interlocked add per increment.</summary>
public sealed class Counter : IMetricChild
{
    private long _value;

    internal Counter((string Key, string Value)[] labels) => Labels = labels;

    public (string Key, string Value)[] Labels { get; }

    public long Value => Interlocked.Read(ref _value);

    public void Inc() => Interlocked.Increment(ref _value);

    public void Add(long amount) => Interlocked.Add(ref _value, amount);

    void IMetricChild.Render(StringBuilder builder, string name, string labels) =>
        builder.Append(name).Append(labels.Length == 0 ? "" : "{" + labels + "}").Append(' ').Append(Value).Append('\n');
}

internal sealed class Gauge((string Key, string Value)[] labels, Func<double> read) : IMetricChild
{
    public (string Key, string Value)[] Labels { get; } = labels;

    void IMetricChild.Render(StringBuilder builder, string name, string labels) =>
        builder.Append(name).Append(labels.Length == 0 ? "" : "{" + labels + "}").Append(' ').Append(MetricFamily.Number(read())).Append('\n');
}
