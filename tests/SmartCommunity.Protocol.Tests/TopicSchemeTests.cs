using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Protocol.Tests;

public class TopicSchemeTests
{
    [Theory]
    [InlineData(MessageClass.Telemetry, "dev-1")]
    [InlineData(MessageClass.Event, "43010200011320000001")]
    [InlineData(MessageClass.Status, "a_b-c")]
    [InlineData(MessageClass.Command, "dev-1")]
    [InlineData(MessageClass.CommandAck, "dev-1")]
    [InlineData(MessageClass.PersonAlert, "guard-wang")]
    [InlineData(MessageClass.PersonAck, "guard-wang")]
    public void EveryTopicTheSchemeBuildsParsesBackToItsClassAndOwner(MessageClass messageClass, string owner)
    {
        var topic = TopicScheme.For(messageClass, owner);

        Assert.True(TopicScheme.TryParse(topic, out var parsed));
        Assert.Equal(messageClass, parsed.Class);
        Assert.Equal(owner, parsed.OwnerId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sc/v1/dev/")]
    [InlineData("sc/v1/dev/x")]
    [InlineData("sc/v1/dev//telemetry")]
    [InlineData("sc/v1/dev/x/telemetry/extra")]
    [InlineData("sc/v1/dev/x/unknown")]
    [InlineData("sc/v2/dev/x/telemetry")]
    [InlineData("sc/v1/dev/+/telemetry")]
    [InlineData("sc/v1/dev/#/telemetry")]
    [InlineData("sc/v1/dev/a b/telemetry")]
    [InlineData("sc/v1/dev/设备/telemetry")]
    [InlineData("sc/v1/person/x/telemetry")]
    [InlineData("SC/V1/DEV/x/telemetry")]
    public void TopicsOutsideTheTreeAreRefused(string topic) => Assert.False(TopicScheme.TryParse(topic, out _));

    [Fact]
    public void AnIdLongerThanSixtyFourCharactersIsRefused()
    {
        Assert.True(TopicScheme.TryParse(TopicScheme.Telemetry(new string('a', 64)), out _));
        Assert.False(TopicScheme.TryParse(TopicScheme.Telemetry(new string('a', 65)), out _));
    }

    [Fact]
    public void OnlyTelemetryMayBeShedAndStatusIsRetained()
    {
        foreach (var c in Enum.GetValues<MessageClass>())
        {
            var policy = MessageClassPolicy.For(c);
            Assert.Equal(c == MessageClass.Telemetry, policy.MayBeShed);
            Assert.Equal(c == MessageClass.Status, policy.Retain);
            Assert.Equal(c == MessageClass.Telemetry ? 0 : 1, policy.QualityOfService);
        }
    }
}
