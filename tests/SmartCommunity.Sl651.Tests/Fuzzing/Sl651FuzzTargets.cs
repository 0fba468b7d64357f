using SmartCommunity.Sl651.Framing;
using SmartCommunity.Sl651.Reports;
using SmartCommunity.Testing.Fuzzing;

namespace SmartCommunity.Sl651.Tests.Fuzzing;

/// <summary>
/// SL 651 frame decoder, report parser and stream assembler. Property: every input ends in a frame or a rejection
/// with words, never an exception; a parsed report has a send time in 20YY, element decimals 0–7, and the
/// acknowledgement built for it decodes as a downlink frame; a stream never stalls. Also compiled into ./bench.sh fuzz.
/// </summary>
public static class Sl651FuzzTargets
{
    private static readonly TimeSpan StationOffset = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset CentreTime = new(2026, 6, 1, 20, 0, 0, StationOffset);

    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        new FuzzTarget<byte[]>("sl651.frame_and_report", Sl651Inputs.Frame, CheckFrame, b => HostileBytes.Describe(b)),
        new FuzzTarget<(byte[] Bytes, int Chunk)>("sl651.stream", Sl651Inputs.Stream, s => CheckStream(s.Bytes, s.Chunk), s => $"chunk {s.Chunk} {HostileBytes.Describe(s.Bytes)}"),
    ];

    public static IFuzzTarget Named(string name) => All.Single(t => t.Name == name);

    private static FuzzOutcome CheckFrame(byte[] bytes)
    {
        if (!Sl651FrameDecoder.TryDecode(bytes, out var frame, out var rejection))
        {
            return FuzzOutcome.RefusedUnless(string.IsNullOrWhiteSpace(rejection.Message) ? $"frame rejected as {rejection.Reason} without words" : null);
        }

        if (frame.Body.Length > Sl651FrameLayout.MaxBodyLength)
        {
            return FuzzOutcome.Violation($"frame body of {frame.Body.Length} bytes");
        }

        if (frame.FunctionCode == Sl651FunctionCode.LinkKeepAlive)
        {
            return Sl651ReportParser.TryReadBodyHeader(frame.Body.Span, StationOffset, out _, out _, out var bad) ? FuzzOutcome.Accept
                : FuzzOutcome.RefusedUnless(string.IsNullOrWhiteSpace(bad.Message) ? "keep-alive header rejected without words" : null);
        }

        if (!Sl651ReportParser.TryParse(frame, StationOffset, out var report, out rejection))
        {
            return FuzzOutcome.RefusedUnless(string.IsNullOrWhiteSpace(rejection.Message) ? $"report rejected as {rejection.Reason} without words" : null);
        }

        if (report.SendTime.Year is < 2000 or > 2099)
        {
            return FuzzOutcome.Violation($"send time {report.SendTime:O} outside 20YY");
        }

        if (report.Elements.FirstOrDefault(e => e.Decimals is < 0 or > 7 || (e.Value is { } v && v.Scale != e.Decimals)) is { } odd)
        {
            return FuzzOutcome.Violation($"element {odd.Code} has {odd.Decimals} decimals, value {odd.Value}");
        }

        // The server answers every report with this; it must be a frame the station can decode.
        var ack = Sl651Acknowledgement.Build(frame, report.Serial, CentreTime);
        return FuzzOutcome.AcceptedUnless(Sl651FrameDecoder.TryDecode(ack, out var answer, out var ackRejection) && answer.Direction == Sl651Direction.Down
            ? null
            : $"acknowledgement does not decode: {ackRejection}");
    }

    private static FuzzOutcome CheckStream(byte[] bytes, int chunk)
    {
        var assembler = new Sl651FrameAssembler(Sl651FrameLayout.MaxFrameSize, chunk);
        var offset = 0;
        var frames = 0;
        while (offset < bytes.Length)
        {
            var written = assembler.Write(bytes.AsSpan(offset, Math.Min(chunk, bytes.Length - offset)));
            offset += written;
            var progressed = written > 0;
            while (assembler.TryRead(out var result))
            {
                progressed = true;
                if (result.Status == Sl651ScanStatus.Rejected && string.IsNullOrWhiteSpace(result.Rejection.Message))
                {
                    return FuzzOutcome.Violation($"stream rejection {result.Rejection.Reason} without words");
                }

                if (result.Frame is { } frame && frame.Body.Length > Sl651FrameLayout.MaxBodyLength)
                {
                    return FuzzOutcome.Violation($"stream frame body of {frame.Body.Length} bytes");
                }

                frames += result.Frame is null ? 0 : 1;
            }

            if (!progressed)
            {
                return FuzzOutcome.Violation($"stalled with {assembler.Pending} bytes pending and {bytes.Length - offset} still to write");
            }
        }

        // Accepted: the stream gave at least one frame.
        return assembler.Pending > Sl651FrameLayout.MaxFrameSize + chunk ? FuzzOutcome.Violation($"holds {assembler.Pending} bytes")
            : frames > 0 ? FuzzOutcome.Accept : FuzzOutcome.Refuse;
    }
}
