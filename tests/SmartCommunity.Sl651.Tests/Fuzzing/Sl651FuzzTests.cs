using SmartCommunity.Testing.Fuzzing;

namespace SmartCommunity.Sl651.Tests.Fuzzing;

/// <summary>Short fixed-seed fuzz runs of the SL 651 decoders; the million-input runs are ./bench.sh fuzz.</summary>
public sealed class Sl651FuzzTests
{
    public static TheoryData<string> Targets => [.. Sl651FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void EveryDecoderAnswersHostileBytesWithAFrameOrARejectionNeverAnException(string target) =>
        Sl651FuzzTargets.Named(target).Run(Fuzz.SuiteCount, Fuzz.SuiteSeed).ThrowIfFailed();
}
