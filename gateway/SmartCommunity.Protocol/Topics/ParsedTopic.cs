namespace SmartCommunity.Protocol.Topics;

/// <summary>A topic of the SmartCommunity tree split into its parts.</summary>
/// <param name="Class">The message class the topic's leaf names.</param>
/// <param name="OwnerId">The device ID (for device topics) or person ID (for person topics).</param>
public readonly record struct ParsedTopic(MessageClass Class, string OwnerId)
{
    public bool IsPersonTopic => Class is MessageClass.PersonAlert or MessageClass.PersonAck;
}
