using FsCheck;
using FsCheck.Fluent;

namespace SmartCommunity.Testing.Fuzzing;

/// <summary>Small combinators FsCheck's fluent API lacks, and the seeds the suite and the bench share.</summary>
public static class Fuzz
{
    /// <summary>Seed of the short runs in the test suite: fixed, so a failure there reproduces exactly.</summary>
    public const ulong SuiteSeed = 19;

    /// <summary>Inputs per decoder in the test suite's short run (seconds on a loaded machine).</summary>
    public const int SuiteCount = 3000;

    public static Gen<(T1, T2, T3)> Zip3<T1, T2, T3>(Gen<T1> first, Gen<T2> second, Gen<T3> third) =>
        Gen.Zip(first, Gen.Zip(second, third)).Select(t => (t.Item1, t.Item2.Item1, t.Item2.Item2));
}
