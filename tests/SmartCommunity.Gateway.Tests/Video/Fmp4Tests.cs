using System.Diagnostics;
using SmartCommunity.Gateway.Video.LiveView;

namespace SmartCommunity.Gateway.Tests.Video;

/// <summary>
/// The live view's reading of fragmented MP4, on what real ffmpeg writes with the live view's own muxer settings
/// (H.264 with a key frame every 5 frames, one fragment per frame), and on malformed headers.
/// </summary>
public sealed class Fmp4Tests
{
    [Fact]
    public async Task FfmpegsFragmentsAreSplitAndEveryKeyFrameIsFoundWithTheCodec()
    {
        var file = Path.Combine(Path.GetTempPath(), "sc-fmp4-" + Guid.NewGuid().ToString("N") + ".mp4");
        try
        {
            var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[]
            {
                "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-frames:v", "20",
                "-pix_fmt", "yuv420p", "-c:v", "libx264", "-profile:v", "high", "-g", "5", "-keyint_min", "5", "-sc_threshold", "0", "-bf", "0",
                "-f", "mp4", "-movflags", "empty_moov+default_base_moof+frag_every_frame", file,
            })
            {
                info.ArgumentList.Add(argument);
            }

            using (var process = Process.Start(info)!)
            {
                var error = await process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
                Assert.True(process.ExitCode == 0, error);
            }

            await using var stream = File.OpenRead(file);
            var boxes = new List<Mp4Box>();
            while (await Fmp4.ReadBoxAsync(stream, CancellationToken.None) is { } box)
            {
                boxes.Add(box);
            }

            Assert.Equal(["ftyp", "moov"], boxes.Take(2).Select(b => b.Type));
            var moov = boxes[1].Bytes;
            Assert.StartsWith("avc1.64", Fmp4.H264Codec(moov));
            var trex = Fmp4.TrexDefaultFlags(moov);
            var keys = boxes.Where(b => b.Type == "moof").Select(b => Fmp4.StartsWithKeyFrame(b.Bytes, trex)).ToList();
            Assert.Equal(20, keys.Count);
            Assert.Equal(Enumerable.Range(0, 20).Select(i => i % 5 == 0), keys);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 4, (byte)'m', (byte)'o', (byte)'o', (byte)'f' })]
    [InlineData(new byte[] { 0x7F, 0, 0, 0, (byte)'m', (byte)'d', (byte)'a', (byte)'t' })]
    [InlineData(new byte[] { 0, 0, 0, 1, (byte)'m', (byte)'d', (byte)'a', (byte)'t' })]
    public async Task ABoxHeaderThatIsTooSmallOrTooLargeIsRefused(byte[] header)
    {
        using var stream = new MemoryStream(header);
        await Assert.ThrowsAsync<InvalidDataException>(() => Fmp4.ReadBoxAsync(stream, CancellationToken.None));
    }

    [Fact]
    public async Task AStreamCutInsideABoxEndsWithAnErrorNotAShortBox()
    {
        using var cutInHeader = new MemoryStream([0, 0, 0]);
        await Assert.ThrowsAsync<EndOfStreamException>(() => Fmp4.ReadBoxAsync(cutInHeader, CancellationToken.None));
        using var cutInBody = new MemoryStream([0, 0, 0, 16, (byte)'m', (byte)'d', (byte)'a', (byte)'t', 1, 2]);
        await Assert.ThrowsAsync<EndOfStreamException>(() => Fmp4.ReadBoxAsync(cutInBody, CancellationToken.None));
    }

    [Fact]
    public void AnInitSegmentWithoutH264HasNoCodecForTheBrowser() =>
        Assert.Null(Fmp4.H264Codec([0, 0, 0, 16, (byte)'m', (byte)'o', (byte)'o', (byte)'v', (byte)'h', (byte)'v', (byte)'c', (byte)'C', 1, 1, 0x60, 0]));
}
