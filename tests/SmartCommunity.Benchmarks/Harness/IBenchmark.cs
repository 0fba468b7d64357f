namespace SmartCommunity.Benchmarks.Harness;

/// <summary>
/// One side-by-side measurement: the thing we built and its baseline, run in the same process on the same
/// machine, reported as a ratio (these machines are noisy; absolute numbers only orient).
/// </summary>
public interface IBenchmark
{
    /// <summary>Short name used on the command line, e.g. <c>ingest</c>.</summary>
    string Name { get; }

    /// <summary>One line on what is compared against what.</summary>
    string Description { get; }

    Task<BenchmarkReport> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken);
}

/// <summary>Settings every benchmark honours.</summary>
/// <param name="Quick">Short run (seconds, not minutes): for smoke-testing the benchmark itself.</param>
/// <param name="WorkDirectory">Scratch folder the benchmark may fill and leave.</param>
public sealed record BenchmarkOptions(bool Quick, string WorkDirectory);

/// <summary>Results of one benchmark: rows of measurements and the verdicts against their targets.</summary>
public sealed class BenchmarkReport
{
    public BenchmarkReport(string name) => Name = name;

    public string Name { get; }

    public List<BenchmarkRow> Rows { get; } = [];

    public List<string> Notes { get; } = [];

    public BenchmarkReport Add(string metric, double value, string unit, string? comparedTo = null, double? ratio = null, double? target = null)
    {
        Rows.Add(new BenchmarkRow(metric, value, unit, comparedTo, ratio, target));
        return this;
    }
}

/// <param name="Ratio">Value divided by the baseline's value (higher is better unless the unit says otherwise).</param>
/// <param name="Target">Ratio the brief asks for, if any; <see cref="Met"/> compares against it.</param>
public sealed record BenchmarkRow(string Metric, double Value, string Unit, string? ComparedTo, double? Ratio, double? Target)
{
    public bool? Met => Target is { } t && Ratio is { } r ? r >= t : null;
}
