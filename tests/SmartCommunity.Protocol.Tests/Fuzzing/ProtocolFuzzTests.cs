using SmartCommunity.Testing.Fuzzing;

namespace SmartCommunity.Protocol.Tests.Fuzzing;

/// <summary>Short fixed-seed fuzz runs of every protocol decoder; the million-input runs are ./bench.sh fuzz.</summary>
public sealed class ProtocolFuzzTests
{
    public static TheoryData<string> Targets => [.. ProtocolFuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void EveryDecoderAnswersHostileInputWithAResultNeverAnException(string target) =>
        ProtocolFuzzTargets.Named(target).Run(Fuzz.SuiteCount, Fuzz.SuiteSeed).ThrowIfFailed();
}
