using SmartCommunity.Testing.Fuzzing;

namespace SmartCommunity.TimeSeries.Tests.Fuzzing;

/// <summary>Short fixed-seed fuzz run of the line protocol encoder; the million-input run is ./bench.sh fuzz.</summary>
public sealed class LineProtocolFuzzTests
{
    [Fact]
    public void AHostilePointIsRefusedWhereItIsBuiltOrEncodedToALineThatReadsBackTheSame() =>
        LineProtocolFuzzTargets.Named("timeseries.line_protocol").Run(Fuzz.SuiteCount, Fuzz.SuiteSeed).ThrowIfFailed();
}
