using System.Text;
using System.Text.Json;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Serialization;
using SmartCommunity.Protocol.Validation;

namespace SmartCommunity.Protocol.Tests;

public class CommandTests
{
    private static readonly CommandMessage Voice = new()
    {
        Id = "cmd-1", Ts = 1_784_190_000_000, ExpiresTs = 1_784_190_300_000, Type = CommandTypes.PlayVoice,
        Clip = "danger_leave", Text = "危险水域，请速离开", Repeat = 3, Volume = 90, Reason = "al-1",
    };

    [Fact]
    public void ChineseTextGoesOnTheWireAsUtf8NotAsEscapes()
    {
        var relaxed = JsonSerializer.SerializeToUtf8Bytes(Voice, ProtocolJson.Context.CommandMessage);
        var strict = JsonSerializer.SerializeToUtf8Bytes(Voice, ProtocolJsonContext.Default.CommandMessage);

        Assert.Contains("危险水域，请速离开", Encoding.UTF8.GetString(relaxed), StringComparison.Ordinal);
        Assert.True(relaxed.Length < strict.Length);
        Assert.Equal(Voice, MessageDecoder.DecodeCommand(relaxed, ValidationLimits.Default).Message);
    }

    [Fact]
    public void AWellFormedCommandPassesTheRules() => Assert.Null(CommandRanges.Check(Voice));

    public static TheoryData<CommandMessage, string> BadCommands() => new()
    {
        { Voice with { V = 2 }, "version" },
        { Voice with { Id = "" }, "'id'" },
        { Voice with { Id = new string('x', 65) }, "'id'" },
        { Voice with { Type = "self_destruct" }, "not one of" },
        { Voice with { Clip = null, Text = null }, "needs 'clip' or 'text'" },
        { Voice with { Type = CommandTypes.ShowSign, Text = null }, "needs 'text'" },
        { Voice with { Repeat = 0 }, "'repeat'" },
        { Voice with { Repeat = 1000 }, "'repeat'" },
        { Voice with { Volume = 101 }, "'volume'" },
        { Voice with { DurationS = 86_400 }, "'duration_s'" },
        { Voice with { Text = new string('字', 501) }, "at most" },
        { Voice with { ExpiresTs = Voice.Ts }, "'expires_ts'" },
    };

    [Theory]
    [MemberData(nameof(BadCommands))]
    public void MalformedCommandsAreRefusedWithTheReason(CommandMessage command, string expected)
    {
        Assert.Contains(expected, CommandRanges.Check(command), StringComparison.Ordinal);
        var decoded = MessageDecoder.DecodeCommand(JsonSerializer.SerializeToUtf8Bytes(command, ProtocolJson.Context.CommandMessage), ValidationLimits.Default);
        Assert.Equal(RejectReason.InvalidField, decoded.Reason);
    }

    [Fact]
    public void GarbageCommandsAreRefusedNotThrown()
    {
        Assert.Equal(RejectReason.MalformedJson, MessageDecoder.DecodeCommand("{"u8, ValidationLimits.Default).Reason);
        Assert.Equal(RejectReason.InvalidField, MessageDecoder.DecodeCommand("{\"v\":1,\"id\":5}"u8, ValidationLimits.Default).Reason);
    }
}
