using System.Net.Sockets;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gb28181.Media;
using SmartCommunity.Media.Live;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Gateway.Gb28181.Cascade;

/// <summary>
/// The media half of <see cref="UpstreamMedia"/>: one ffmpeg (the ffmpeg module's <see cref="ProgramStreamArguments"/>,
/// credentials on its stdin) reads the camera's main stream (or its recorded segments) and writes PS; <see cref="PsRtpStreamer"/>
/// sends the packs as RTP over the stream's UDP socket, or over one TCP connection to the superior with RFC 4571 framing. Ends when ffmpeg ends (the camera
/// stopped), the TCP peer goes, or the caller cancels.
/// </summary>
public static class UpstreamSender
{
    public sealed record Result(long Packets, string? Error);

    public static async Task<Result> SendAsync(string ffmpeg, UpwardFeed stream, Gb28181Metrics metrics, ILogger logger, CancellationToken cancellationToken)
    {
        using var tcp = stream.Udp is null ? new TcpClient(stream.Target.AddressFamily) : null;
        if (tcp is not null)
        {
            using var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connecting.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                await tcp.ConnectAsync(stream.Target, connecting.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                metrics.Refused("cascade-media-connect-failed");
                return new Result(0, "could not connect to " + stream.Target + ": " + ex.Message);
            }
        }

        var source = StreamAddress.Source(stream.Camera.Streams.MainUrl, stream.Camera.Streams);
        using var process = MediaProcess.Start(stream.Playback is { } footage
            ? ProgramStreamArguments.Playback(ffmpeg, footage.Files, footage.Inpoint, footage.Outpoint)
            : ProgramStreamArguments.Build(ffmpeg, source), logger);
        var packetizer = new PsRtpPacketizer(stream.Ssrc, ProgramStreamArguments.PackBytes, (ushort)Random.Shared.Next(65_536));
        string? error = null;
        try
        {
            await PsRtpStreamer.PumpAsync(process.StandardOutput, packetizer, stream.Udp, stream.Target, tcp?.GetStream(), metrics.UpstreamPackets, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            error = ex.Message;
        }
        finally
        {
            process.Kill();
            try
            {
                await process.ErrorDrained.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // ffmpeg's stderr did not close; the process tree was killed anyway.
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var tail = StreamAddress.Scrub(process.ErrorTail(), stream.Camera.Streams).Trim();
        if (tail.Length > 0)
        {
            logger.LogWarning("GB/T 28181: ffmpeg for camera {Channel} upward: {Error}", stream.ChannelId, tail);
        }

        return new Result(packetizer.Packets, error);
    }
}
