using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.EdgeAgent.Queue;

/// <summary>The oldest undelivered message of a queue, read back from disk.</summary>
/// <param name="Index">Position in the queue's own, never reset numbering (not the protocol <c>seq</c>).</param>
/// <param name="Class">Message class; decides topic and QoS.</param>
/// <param name="Payload">The JSON payload exactly as stored.</param>
public sealed record QueuedMessage(long Index, MessageClass Class, byte[] Payload);
