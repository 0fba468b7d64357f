using SmartCommunity.Testing.Fuzzing;

namespace SmartCommunity.Gateway.Tests.Fuzzing;

/// <summary>
/// Short fixed-seed run of the in-process API body and seed section targets; the million-input run is ./bench.sh fuzz.
/// The HTTP and seed-loader runs (<see cref="ApiBodyFuzzTests"/>, <see cref="SeedFuzzTests"/>) check the same bodies
/// end to end, with fewer inputs.
/// </summary>
public sealed class GatewayFuzzTests
{
    public static TheoryData<string> Targets => [.. GatewayFuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void AHostileBodyOrSeedEntryIsRefusedWithAReasonOrAcceptedInRange(string target) =>
        GatewayFuzzTargets.Named(target).Run(Fuzz.SuiteCount, Fuzz.SuiteSeed).ThrowIfFailed();
}
