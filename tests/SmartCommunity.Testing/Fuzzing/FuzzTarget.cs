using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace SmartCommunity.Testing.Fuzzing;

/// <summary>
/// One decoder under fuzzing: where its inputs come from and the property every input must satisfy. The same
/// target runs briefly with a fixed seed in the test suite and a million times behind <c>./bench.sh fuzz</c>.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>Short name for reports, e.g. <c>protocol.telemetry</c>.</summary>
    string Name { get; }

    /// <summary>Runs <paramref name="count"/> generated inputs, deterministic for a given <paramref name="seed"/>.</summary>
    FuzzResult Run(long count, ulong seed, CancellationToken cancellationToken = default);
}

/// <param name="check">
/// The property: the decoder's answer classified (<see cref="FuzzOutcome.Accepted"/>, <see cref="FuzzOutcome.Refused"/>)
/// when it is acceptable (a success with sane values, or a refusal with a reason), else a
/// <see cref="FuzzOutcome.Violation"/> saying what was wrong. An exception escaping it is a crash: the decoder threw.
/// </param>
/// <param name="describe">How to print an input in a failure report, so it can become a regression test.</param>
public sealed class FuzzTarget<T>(string name, Gen<T> inputs, Func<T, FuzzOutcome> check, Func<T, string> describe) : IFuzzTarget
{
    // Inputs are drawn in batches, each from its own seed derived from the run's seed, so a run of any length is
    // reproducible without holding every input in memory.
    private const int BatchSize = 500;

    // FsCheck's size parameter: generators here choose their own lengths, so it only scales FsCheck's built-ins.
    private const int GeneratorSize = 100;

    public string Name { get; } = name;

    public FuzzResult Run(long count, ulong seed, CancellationToken cancellationToken = default)
    {
        var result = new FuzzResult(Name, seed);
        for (long batch = 0; batch * BatchSize < count; batch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = (int)Math.Min(BatchSize, count - (batch * BatchSize));
            foreach (var input in inputs.Sample(n, new Rnd((seed * 1_000_003UL) + (ulong)batch), GeneratorSize))
            {
                FuzzOutcome outcome;
                try
                {
                    outcome = check(input);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    result.AddCrash(describe(input), ex);
                    continue;
                }

                result.AddExecution(outcome, outcome.Problem is null ? null : describe(input));
            }
        }

        return result;
    }
}

/// <summary>What a run found: executions, crashes (exceptions out of the decoder), violations (wrong answers), examples.</summary>
public sealed class FuzzResult(string name, ulong seed)
{
    private const int MaxExamples = 5;
    private readonly List<string> _examples = [];

    public string Name { get; } = name;

    public ulong Seed { get; } = seed;

    /// <summary>Inputs run to the end, crashed or not.</summary>
    public long Executions { get; private set; }

    /// <summary>Inputs the decoder accepted (and that passed the checks on accepted values): shows the generators get past the parser.</summary>
    public long Accepted { get; private set; }

    /// <summary>Inputs on which the decoder threw.</summary>
    public long Crashes { get; private set; }

    /// <summary>Inputs on which the decoder answered but the answer broke the property.</summary>
    public long Violations { get; private set; }

    public IReadOnlyList<string> Examples => _examples;

    public bool Clean => Crashes == 0 && Violations == 0;

    internal void AddCrash(string input, Exception ex)
    {
        Executions++;
        Crashes++;
        Remember($"crash {ex.GetType().Name}: {ex.Message}\n  input: {input}\n  at: {FirstFrame(ex)}");
    }

    internal void AddExecution(FuzzOutcome outcome, string? input)
    {
        Executions++;
        if (outcome.Problem is { } problem)
        {
            Violations++;
            Remember($"violation: {problem}\n  input: {input}");
            return;
        }

        if (outcome.Accepted)
        {
            Accepted++;
        }
    }

    /// <summary>Throws with the first failing inputs when the run found anything (for the test suite).</summary>
    public void ThrowIfFailed()
    {
        if (!Clean)
        {
            throw new FuzzFailedException(ToString());
        }
    }

    public override string ToString()
    {
        var text = new StringBuilder($"{Name} (seed {Seed}): {Executions} inputs ({Accepted} accepted), {Crashes} crashes, {Violations} violations");
        foreach (var example in _examples)
        {
            text.Append("\n- ").Append(example);
        }

        return text.ToString();
    }

    private void Remember(string example)
    {
        if (_examples.Count < MaxExamples)
        {
            _examples.Add(example);
        }
    }

    private static string FirstFrame(Exception ex) =>
        ex.StackTrace?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "(no stack)";
}

/// <summary>How a decoder answered one input: accepted, refused (both fine), or a violation of the property.</summary>
public readonly record struct FuzzOutcome(bool Accepted, string? Problem)
{
    public static FuzzOutcome Accept { get; } = new(true, null);

    public static FuzzOutcome Refuse { get; } = new(false, null);

    public static FuzzOutcome Violation(string problem) => new(false, problem);

    /// <summary>Accepted when <paramref name="problem"/> is null, else a violation.</summary>
    public static FuzzOutcome AcceptedUnless(string? problem) => problem is null ? Accept : Violation(problem);

    /// <summary>Refused when <paramref name="problem"/> is null, else a violation.</summary>
    public static FuzzOutcome RefusedUnless(string? problem) => problem is null ? Refuse : Violation(problem);
}

public sealed class FuzzFailedException(string message) : Exception(message);
