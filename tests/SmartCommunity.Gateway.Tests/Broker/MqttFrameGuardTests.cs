using SmartCommunity.Gateway.Broker;

namespace SmartCommunity.Gateway.Tests.Broker;

public sealed class MqttFrameGuardTests
{
    [Fact]
    public void PacketsWithinTheLimitPassAcrossAnySplitOfTheirBytes()
    {
        // CONNECT of 10 bytes body, then PINGREQ (no body), then PUBLISH of 200 bytes body (two length bytes).
        byte[] stream = [0x10, 10, .. new byte[10], 0xC0, 0x00, 0x30, 0xC8, 0x01, .. new byte[200]];
        for (var split = 0; split <= stream.Length; split++)
        {
            var guard = new MqttFrameGuard(200);
            Assert.True(guard.Inspect(stream.AsSpan(0, split)) && guard.Inspect(stream.AsSpan(split)), $"split at {split}");
        }
    }

    [Fact]
    public void ALengthOverTheLimitIsRefusedBeforeItsLastByte()
    {
        var guard = new MqttFrameGuard(4096);

        // 128 MB declared as 0x80 0x80 0x80 0x40: already 0 after three bytes, refused at the fourth.
        Assert.True(guard.Inspect([0x10, 0x80, 0x80, 0x80]));
        Assert.False(guard.Inspect([0x40]));
        Assert.Equal(128 * 1024 * 1024, guard.Refused);
    }

    [Fact]
    public void APartialLengthAlreadyOverTheLimitIsRefusedAtOnce()
    {
        var guard = new MqttFrameGuard(100);

        // 0xFF alone says at least 127 (and more to come).
        Assert.False(guard.Inspect([0x30, 0xFF]));
    }

    [Fact]
    public void AFifthLengthByteIsMalformed()
    {
        var guard = new MqttFrameGuard(int.MaxValue);
        Assert.False(guard.Inspect([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]));
    }

    [Fact]
    public void RaisingTheLimitLetsLargerPacketsThrough()
    {
        var guard = new MqttFrameGuard(16);
        Assert.True(guard.Inspect([0x10, 4, 1, 2, 3, 4]));

        guard.Limit = 1000;

        Assert.True(guard.Inspect([0x30, 0xE8, 0x07]));
    }
}
