using System.Diagnostics;
using SmartCommunity.Benchmarks.Harness;
using SmartCommunity.Sl651.Framing;
using SmartCommunity.Sl651.Reports;

namespace SmartCommunity.Benchmarks.Sl651;

/// <summary>
/// SL 651 frames parsed per second (frame checks + report body) against the floor of just computing the CRC
/// over the same bytes, which every parse must do anyway. Ratio = parse rate / CRC rate (at most 1).
/// </summary>
public sealed class Sl651ParseBenchmark : IBenchmark
{
    private static readonly TimeSpan StationOffset = TimeSpan.FromHours(8);

    public string Name => "sl651";

    public string Description => "SL 651 frame + report parse rate vs CRC-only over the same bytes";

    public Task<BenchmarkReport> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        // Short interleaved rounds, best of each: this machine is shared, and a noisy neighbour during one long
        // run would otherwise skew that row alone.
        var rounds = options.Quick ? 3 : 15;
        var slice = options.Quick ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromMilliseconds(200);
        var frames = BuildFrames();
        var stream = frames.SelectMany(f => f).ToArray();
        var averageSize = stream.Length / (double)frames.Length;
        (double Rate, double BytesPerFrame) crc = default, decode = default, parse = default, assembled = default;
        for (var round = -1; round < rounds; round++)
        {
            var measured = (
                Crc: Measure(frames, Crc, slice, cancellationToken),
                Decode: Measure(frames, Decode, slice, cancellationToken),
                Parse: Measure(frames, DecodeAndParse, slice, cancellationToken),
                Stream: MeasureStream(stream, frames.Length, slice, cancellationToken));
            if (round < 0)
            {
                continue; // Warm-up round for tiered JIT; discarded.
            }

            crc = Best(crc, measured.Crc);
            decode = Best(decode, measured.Decode);
            parse = Best(parse, measured.Parse);
            assembled = Best(assembled, measured.Stream);
        }

        var report = new BenchmarkReport(Name)
            .Add("CRC only (baseline)", crc.Rate, "frames/s")
            .Add("frame decode", decode.Rate, "frames/s", "CRC only", decode.Rate / crc.Rate)
            .Add("frame decode + report parse", parse.Rate, "frames/s", "CRC only", parse.Rate / crc.Rate)
            .Add("stream assembler + report parse", assembled.Rate, "frames/s", "CRC only", assembled.Rate / crc.Rate)
            .Add("allocated, decode + parse", parse.BytesPerFrame, "B/frame");
        report.Notes.Add($"{frames.Length} distinct timed reports, {averageSize:0} bytes each on average, 4–8 elements; " +
            $"best of {rounds} interleaved {slice.TotalMilliseconds:0} ms rounds per row after a warm-up round. " +
            "Parsing includes the CRC, so ratios at or below 1 are expected; the gap is the cost of framing and BCD decoding.");
        return Task.FromResult(report);
    }

    private static (double Rate, double BytesPerFrame) Best((double Rate, double BytesPerFrame) sofar, (double Rate, double BytesPerFrame) next) =>
        next.Rate > sofar.Rate ? next : sofar;

    private static bool Crc(byte[] frame) => Sl651Crc.Compute(frame.AsSpan(0, frame.Length - 2)) == Sl651Crc.Read(frame.AsSpan(frame.Length - 2));

    private static bool Decode(byte[] frame) => Sl651FrameDecoder.TryDecode(frame, out _, out _);

    private static bool DecodeAndParse(byte[] frame) =>
        Sl651FrameDecoder.TryDecode(frame, out var decoded, out _) && Sl651ReportParser.TryParse(decoded, StationOffset, out _, out _);

    private static (double Rate, double BytesPerFrame) Measure(byte[][] frames, Func<byte[], bool> work, TimeSpan duration, CancellationToken token)
    {
        long count = 0, failures = 0;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            token.ThrowIfCancellationRequested();
            foreach (var frame in frames)
            {
                failures += work(frame) ? 0 : 1;
            }

            count += frames.Length;
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        if (failures > 0)
        {
            throw new InvalidOperationException($"{failures} frames failed to parse; the benchmark input is wrong.");
        }

        return (count / elapsed, allocated / (double)count);
    }

    private static (double Rate, double BytesPerFrame) MeasureStream(byte[] stream, int framesPerPass, TimeSpan duration, CancellationToken token)
    {
        var assembler = new Sl651FrameAssembler(Sl651FrameLayout.MaxFrameSize, readChunk: 1460);
        long count = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            token.ThrowIfCancellationRequested();
            var offset = 0;
            while (offset < stream.Length)
            {
                // Feed it as a socket would: MTU-sized reads regardless of frame boundaries.
                offset += assembler.Write(stream.AsSpan(offset, Math.Min(1460, stream.Length - offset)));
                while (assembler.TryRead(out var result))
                {
                    if (result.Frame is { } frame && Sl651ReportParser.TryParse(frame, StationOffset, out _, out _))
                    {
                        count++;
                    }
                }
            }
        }

        var rate = count / clock.Elapsed.TotalSeconds;
        return count >= framesPerPass ? (rate, 0) : throw new InvalidOperationException("The stream yielded too few frames.");
    }

    private static byte[][] BuildFrames()
    {
        var frames = new byte[64][];
        var random = new Random(651);
        for (var i = 0; i < frames.Length; i++)
        {
            var body = new List<byte> { 0x00, (byte)i, 0x25, 0x07, 0x15, 0x08, 0x00, 0x05, 0xF1, 0xF1, 0x00, 0x12, 0x34, 0x56, (byte)i, 0x48 };
            body.AddRange([0xF0, 0xF0, 0x25, 0x07, 0x15, 0x08, 0x00]);
            foreach (var identifier in new byte[] { 0x39, 0x3B, 0x27, 0x38 }.Concat(i % 2 == 0 ? [0x20, 0x26, 0x45, 0x3A] : Array.Empty<byte>()))
            {
                body.AddRange([identifier, 0x23]);
                body.AddRange(Bcd(random.Next(0, 99_999_999), 4));
            }

            frames[i] = Sl651FrameEncoder.Encode(Sl651Direction.Up, 0x01, new Sl651StationAddress(0x0012345600UL + (ulong)i), 0x1234,
                Sl651FunctionCode.TimedReport, body.ToArray(), Sl651ControlChars.Etx);
        }

        return frames;
    }

    private static byte[] Bcd(int value, int bytes)
    {
        var result = new byte[bytes];
        for (var i = bytes - 1; i >= 0; i--)
        {
            result[i] = (byte)(((value / 10 % 10) << 4) | (value % 10));
            value /= 100;
        }

        return result;
    }
}
