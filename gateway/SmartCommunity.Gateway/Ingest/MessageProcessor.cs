using System.Text;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Infrastructure.Logging;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Protocol.Validation;

namespace SmartCommunity.Gateway.Ingest;

/// <summary>
/// The worker side of ingest: decode, validate, drop duplicates, dispatch to every feature handler.
/// Synchronous and free of I/O so it can be tested and benchmarked without a broker.
/// </summary>
public sealed class MessageProcessor
{
    // Resolved on first use, not in the constructor: handlers often send commands or alerts back through the
    // broker, and the broker depends on this processor, so resolving them here would be a dependency cycle.
    private readonly Lazy<IDeviceMessageHandler[]> _handlers;
    private readonly IngestMetrics _metrics;
    private readonly RejectionLog _rejections;
    private readonly RateLimitedLog _log;
    private readonly TimeProvider _time;
    private readonly ValidationLimits _limits;

    public MessageProcessor(
        IServiceProvider services,
        IngestMetrics metrics,
        RejectionLog rejections,
        IOptions<IngestOptions> options,
        TimeProvider time,
        ILogger<MessageProcessor> logger)
    {
        _handlers = new Lazy<IDeviceMessageHandler[]>(() => services.GetServices<IDeviceMessageHandler>().ToArray(), LazyThreadSafetyMode.ExecutionAndPublication);
        _metrics = metrics;
        _rejections = rejections;
        _time = time;
        _log = new RateLimitedLog(logger, time, options.Value.RejectLogInterval);
        _limits = new ValidationLimits
        {
            MaxPayloadBytes = options.Value.MaxPayloadBytes,
            MaxFutureSkew = options.Value.MaxFutureSkew,
            MaxAge = options.Value.MaxAge,
        };
    }

    /// <summary>
    /// Decodes and dispatches one message. Never throws: a worker loop calls this, and one message that trips a bug
    /// in a decoder (issue 19: a 2^62 timestamp overflowed a TimeSpan) must cost only itself, refused as
    /// <c>internal_error</c> and counted, not every later message of the devices hashed to that worker.
    /// </summary>
    /// <summary>
    /// Marks a journaled message that was fully handled before a clean stop as seen, without dispatching it: a device
    /// whose PUBACK the stop swallowed sends it again, and the sequence window then knows it as a duplicate.
    /// </summary>
    internal void Remember(in InboundMessage message)
    {
        if (message.Device is not { } device)
        {
            return;
        }

        var now = _time.GetUtcNow();
        IDeviceMessage? decoded = message.Class switch
        {
            MessageClass.Event => MessageDecoder.DecodeEvent(message.Payload, device.Device.Kind, now, _limits).Message,
            MessageClass.CommandAck => MessageDecoder.DecodeCommandAck(message.Payload, now, _limits).Message,
            _ => null,
        };
        if (decoded is not null)
        {
            device.Sequence.TryAccept(decoded.Boot, decoded.Seq);
        }
    }

    /// <summary>
    /// The protocol identity (boot, seq) of an event or command acknowledgement, for the shared de-duplication of
    /// cluster mode; false for other classes and for payloads that do not decode (processing refuses those).
    /// </summary>
    internal bool TryReadSequence(in InboundMessage message, out long boot, out long seq)
    {
        var now = _time.GetUtcNow();
        IDeviceMessage? decoded = message.Device is not { } device ? null : message.Class switch
        {
            MessageClass.Event => MessageDecoder.DecodeEvent(message.Payload, device.Device.Kind, now, _limits).Message,
            MessageClass.CommandAck => MessageDecoder.DecodeCommandAck(message.Payload, now, _limits).Message,
            _ => null,
        };
        boot = decoded?.Boot ?? 0;
        seq = decoded?.Seq ?? 0;
        return decoded is not null;
    }

    internal void Process(in InboundMessage message)
    {
        try
        {
            ProcessCore(message);
        }
        catch (Exception ex)
        {
            Failed(message, ex);
        }
    }

    private void ProcessCore(in InboundMessage message)
    {
        var now = _time.GetUtcNow();
        var reason = message.Class switch
        {
            MessageClass.Telemetry => ProcessTelemetry(message, now),
            MessageClass.Event => ProcessEvent(message, now),
            MessageClass.Status => ProcessStatus(message, now),
            MessageClass.CommandAck => ProcessCommandAck(message, now),
            MessageClass.PersonAck => ProcessPersonAck(message, now),
            _ => Reject(message, RejectReason.UnknownTopic, "Devices do not publish on this topic."),
        };

        if (reason == RejectReason.None)
        {
            _metrics.Accepted(message.Class).Inc();
            _metrics.Latency(message.Class).Observe(_time.GetElapsedTime(message.ReceivedTimestamp));
        }
    }

    private RejectReason ProcessTelemetry(in InboundMessage message, DateTimeOffset now)
    {
        var device = message.Device!;
        var result = MessageDecoder.DecodeTelemetry(message.Payload, device.Device.Kind, now, _limits);
        var refused = Refusal(message, result.Reason, result.Error, result.Message, now);
        if (refused == RejectReason.None)
        {
            Dispatch((device, result.Message!, message.ReceivedTimestamp), static (h, s) => h.OnTelemetry(s.device, s.Item2, s.ReceivedTimestamp));
        }

        return refused;
    }

    private RejectReason ProcessEvent(in InboundMessage message, DateTimeOffset now)
    {
        var device = message.Device!;
        var result = MessageDecoder.DecodeEvent(message.Payload, device.Device.Kind, now, _limits);
        var refused = Refusal(message, result.Reason, result.Error, result.Message, now);
        if (refused == RejectReason.None)
        {
            Dispatch((device, result.Message!, message.ReceivedTimestamp), static (h, s) => h.OnEvent(s.device, s.Item2, s.ReceivedTimestamp));
        }

        return refused;
    }

    private RejectReason ProcessCommandAck(in InboundMessage message, DateTimeOffset now)
    {
        var device = message.Device!;
        var result = MessageDecoder.DecodeCommandAck(message.Payload, now, _limits);
        var refused = Refusal(message, result.Reason, result.Error, result.Message, now);
        if (refused == RejectReason.None)
        {
            Dispatch((device, result.Message!), static (h, s) => h.OnCommandAck(s.device, s.Item2));
        }

        return refused;
    }

    private RejectReason ProcessStatus(in InboundMessage message, DateTimeOffset now)
    {
        var device = message.Device!;
        var result = MessageDecoder.DecodeStatus(message.Payload, now, _limits);
        if (!result.IsSuccess)
        {
            return Reject(message, result.Reason, result.Error!);
        }

        // Status carries no reliable sequence (a last will is written at connect time), so it is not de-duplicated:
        // repeating "online" is harmless.
        device.MarkSeen(now.ToUnixTimeMilliseconds());
        Dispatch((device, result.Message!), static (h, s) => h.OnStatus(s.device, s.Item2));
        return RejectReason.None;
    }

    private RejectReason ProcessPersonAck(in InboundMessage message, DateTimeOffset now)
    {
        var result = MessageDecoder.DecodePersonAck(message.Payload, now, _limits);
        if (!result.IsSuccess)
        {
            return Reject(message, result.Reason, result.Error!);
        }

        Dispatch((message.PersonId!, result.Message!), static (h, s) => h.OnPersonAck(s.Item1, s.Item2));
        return RejectReason.None;
    }

    /// <summary>Refuses a message that failed decoding or was seen before; None when it may be dispatched.</summary>
    private RejectReason Refusal(in InboundMessage message, RejectReason reason, string? error, IDeviceMessage? decoded, DateTimeOffset now)
    {
        if (reason != RejectReason.None)
        {
            return Reject(message, reason, error!);
        }

        if (!Admit(message.Device!, message.Claim, decoded!.Boot, decoded.Seq, now))
        {
            return Reject(message, RejectReason.DuplicateSequence, $"Sequence {decoded.Seq} (boot {decoded.Boot}) was already received.");
        }

        if (decoded.DeviceTs is { } deviceTs)
        {
            ClockSuspect(message, deviceTs, decoded.Ts);
        }
        else if (message.Device!.ClockSuspectCount > 0)
        {
            message.Device.ClockRight(now.ToUnixTimeMilliseconds()); // only devices that once had a bad clock pay for this
        }

        return RejectReason.None;
    }

    /// <summary>Kept, stamped with the receive time by the decoder; counted here so the operator sees the bad clock.</summary>
    private void ClockSuspect(in InboundMessage message, long deviceTs, long receivedMs)
    {
        _metrics.ClockSuspect(message.Class).Inc();
        var device = message.Device!;
        device.CountClockSuspect(deviceTs, receivedMs);
        _log.Warning(device.Id + "/clock_suspect", "Device {Device} sent ts {DeviceTs} ({Skew}); kept with the receive time and flagged clock_suspect",
            device.Id, deviceTs, MessageDecoder.DescribeSkew(deviceTs, receivedMs));
    }

    /// <summary>Calls every handler; one handler's exception is counted and never reaches the others.</summary>
    private void Dispatch<TState>(TState state, Action<IDeviceMessageHandler, TState> call)
    {
        foreach (var handler in _handlers.Value)
        {
            try
            {
                call(handler, state);
            }
            catch (Exception ex)
            {
                HandlerFailed(handler, ex);
            }
        }
    }

    private bool Admit(DeviceRuntime device, SequenceClaim claim, long boot, long seq, DateTimeOffset now)
    {
        if (claim == SequenceClaim.Duplicate)
        {
            return false;
        }

        var gapsBefore = device.Sequence.Gaps;
        if (claim == SequenceClaim.Admitted)
        {
            // The shared table decided (cluster mode). The window is still fed, to decide alone if the table becomes
            // unreachable, but its verdict and its gaps are not used: it sees only this gateway's part of the sequence.
            device.Sequence.TryAccept(boot, seq);
        }
        else if (!device.Sequence.TryAccept(boot, seq))
        {
            return false;
        }
        else if (device.Sequence.Gaps - gapsBefore is var newGaps and > 0)
        {
            _metrics.Gaps.Add(newGaps);
        }

        device.MarkSeen(now.ToUnixTimeMilliseconds());
        device.CountAccepted();
        return true;
    }

    private RejectReason Reject(in InboundMessage message, RejectReason reason, string error)
    {
        _metrics.Rejected(reason).Inc();
        var source = message.Device?.Id ?? message.PersonId ?? "?";
        if (message.Device is { } device)
        {
            device.CountRejected();
        }

        var topic = TopicScheme.For(message.Class, source);
        _rejections.Add(source, topic, reason, error);
        _log.Warning(source + "/" + reason.Label(), "Refused {Class} from {Source}: {Reason}: {Error}",
            IngestMetrics.ClassLabel(message.Class), source, reason.Label(), error);
        return reason;
    }

    private void Failed(in InboundMessage message, Exception ex)
    {
        _metrics.Rejected(RejectReason.InternalError).Inc();
        try
        {
            var source = message.Device?.Id ?? message.PersonId ?? "?";
            message.Device?.CountRejected();
            _rejections.Add(source, TopicScheme.For(message.Class, source), RejectReason.InternalError,
                $"The gateway failed on this message ({ex.GetType().Name}) and refused it; the device is not at fault unless it repeats. Please report it.");
            _log.Warning("internal/" + source, "Ingest failed on a {Class} message from {Source}; refused, the worker carries on: {Error}",
                IngestMetrics.ClassLabel(message.Class), source, ex.ToString());
        }
        catch (Exception)
        {
            // Should be rare: recording the failure failed too. The counter above already has it; the worker must live.
        }
    }

    private void HandlerFailed(IDeviceMessageHandler handler, Exception ex)
    {
        _metrics.HandlerErrors.Inc();
        _log.Warning("handler/" + handler.GetType().Name, "Handler {Handler} failed: {Error}", handler.GetType().Name, ex.ToString());
    }

    /// <summary>For logs: a printable preview of a payload, never more than 64 characters.</summary>
    internal static string Preview(ReadOnlySpan<byte> payload) =>
        Encoding.UTF8.GetString(payload[..Math.Min(payload.Length, 64)]).ReplaceLineEndings(" ");
}
