using System.Text;
using SmartCommunity.Protocol.Validation;

namespace SmartCommunity.Protocol.Tests.Fuzzing;

/// <summary>Inputs the fuzzer found that once crashed a decoder; each now gets a refusal with a reason.</summary>
public sealed class ProtocolFuzzRegressionTests
{
    [Theory]
    [InlineData("""{"v":1,"id":"cmd-1","ts":1780312917440,"text":"危险水域，请速离开","repeat":34}""")]
    [InlineData("""{"v":1,"id":"cmd-1","ts":1780312917440,"type":null,"text":"x"}""")]
    public void ACommandWithoutATypeIsRefusedNotANullReference(string payload)
    {
        var result = MessageDecoder.DecodeCommand(Encoding.UTF8.GetBytes(payload), ValidationLimits.Default);

        Assert.Equal(RejectReason.InvalidField, result.Reason);
        Assert.Contains("'type' is missing", result.Error, StringComparison.Ordinal);
    }
}
