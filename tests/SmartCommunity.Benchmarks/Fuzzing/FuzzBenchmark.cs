using System.Diagnostics;
using SmartCommunity.Benchmarks.Harness;
using SmartCommunity.Gateway.Tests.Fuzzing;
using SmartCommunity.Protocol.Tests.Fuzzing;
using SmartCommunity.Sl651.Tests.Fuzzing;
using SmartCommunity.Testing.Fuzzing;
using SmartCommunity.TimeSeries.Tests.Fuzzing;

namespace SmartCommunity.Benchmarks.Fuzzing;

/// <summary>
/// The long fuzz run (issue 19): at least 1 000 000 generated inputs per decoder, the same targets and properties as
/// the test suite's short runs, from a fixed seed. Not a ratio: it reports executions, accepted inputs, crashes
/// (exceptions out of a decoder) and violations per decoder; any crash or violation fails the benchmark.
/// </summary>
public sealed class FuzzBenchmark : IBenchmark
{
    /// <summary>Seed of the long run; the suite uses <see cref="Fuzz.SuiteSeed"/>, so the two see different inputs.</summary>
    public const ulong Seed = 20_261_203;

    public const int FullInputs = 1_000_000;

    public const int QuickInputs = 10_000;

    public string Name => "fuzz";

    public string Description => "1 000 000 generated hostile inputs per decoder (protocol, SL 651, line protocol, API bodies, seed sections): crashes and violations";

    /// <summary>Every target; <c>FUZZ_ONLY=prefix,prefix</c> in the environment runs those whose names start so.</summary>
    public static IReadOnlyList<IFuzzTarget> Targets => [.. ProtocolFuzzTargets.All, .. Sl651FuzzTargets.All, .. LineProtocolFuzzTargets.All, .. GatewayFuzzTargets.All];

    public Task<BenchmarkReport> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var inputs = options.Quick ? QuickInputs : FullInputs;
        var only = Environment.GetEnvironmentVariable("FUZZ_ONLY")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var targets = Targets.Where(t => only.Length == 0 || only.Any(o => t.Name.StartsWith(o, StringComparison.Ordinal))).ToList();

        // Targets are independent: one per core, each single-threaded and deterministic for its seed.
        var results = new (FuzzResult Result, double Seconds)[targets.Count];
        Parallel.For(0, targets.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, i =>
        {
            var clock = Stopwatch.StartNew();
            var result = targets[i].Run(inputs, Seed, cancellationToken);
            results[i] = (result, clock.Elapsed.TotalSeconds);
            Console.Error.WriteLine($"fuzz: {result.Name}: {result.Executions} inputs in {results[i].Seconds:0} s, {result.Accepted} accepted, {result.Crashes} crashes, {result.Violations} violations");
        });

        var report = new BenchmarkReport(Name);
        var failed = new List<FuzzResult>();
        foreach (var (result, seconds) in results)
        {
            report.Add($"{result.Name}: inputs", result.Executions, "inputs")
                .Add($"{result.Name}: accepted", result.Accepted, "inputs")
                .Add($"{result.Name}: crashes", result.Crashes, "inputs")
                .Add($"{result.Name}: violations", result.Violations, "inputs")
                .Add($"{result.Name}: rate", result.Executions / seconds, "inputs/s");
            if (!result.Clean)
            {
                failed.Add(result);
            }
        }

        report.Notes.Add($"Seed {Seed}, {inputs} inputs per decoder{(only.Length == 0 ? "" : $" (FUZZ_ONLY={string.Join(',', only)})")}. Rate is per target, {Environment.ProcessorCount} targets at a time. A crash is an exception out of the decoder; a violation is an answer " +
            "that breaks the property (a refusal without a reason, an accepted value out of range, a success that does not round-trip).");
        report.Notes.AddRange(failed.Select(f => "FAILED " + f.ToString().Replace("\n", "\n  ", StringComparison.Ordinal)));
        return failed.Count == 0
            ? Task.FromResult(report)
            : throw new InvalidOperationException(string.Join("\n", report.Notes));
    }
}
