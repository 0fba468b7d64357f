using System.Net.Sockets;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gb28181.Media;
using SmartCommunity.Media.Live;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Gateway.Gb28181.Cascade;

/// <summary>
/// The media half of <see cref="UpstreamMedia"/>: one ffmpeg (the ffmpeg module's <see cref="ProgramStreamArguments"/>,
/// credentials on its stdin) reads the camera's main stream (or its recorded segments) and writes PS; <see cref="PsRtpStreamer"/>
/// sends the packs as RTP over the stream's UDP socket, or over one TCP connection to the superior with RFC 4571 framing (made once per dialog). Ends
/// when ffmpeg ends (the camera stopped, the footage ended), the TCP peer goes, or the caller cancels.
/// </summary>
public static class UpstreamSender
{
    public sealed record Result(long Packets, string? Error);

    /// <summary>Over TCP, connects to the superior once for the whole dialog (null when done, or UDP); the failure otherwise.</summary>
    public static async Task<Result?> ConnectAsync(UpwardFeed stream, Gb28181Metrics metrics, CancellationToken cancellationToken)
    {
        if (stream.Udp is not null)
        {
            return null;
        }

        stream.Tcp = new TcpClient(stream.Target.AddressFamily);
        using var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connecting.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await stream.Tcp.ConnectAsync(stream.Target, connecting.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            metrics.Refused("cascade-media-connect-failed");
            return new Result(0, "could not connect to " + stream.Target + ": " + ex.Message);
        }
    }

    /// <summary>Runs <paramref name="command"/> (PS on its stdout) and sends what it writes until it ends; throws when cancelled.</summary>
    public static async Task<Result> SendAsync(MediaCommand command, UpwardFeed stream, Gb28181Metrics metrics, ILogger logger, CancellationToken cancellationToken)
    {
        using var process = MediaProcess.Start(command, logger);
        string? error = null;
        try
        {
            await PsRtpStreamer.PumpAsync(process.StandardOutput, stream.Packetizer, stream.Udp, stream.Target, stream.Tcp?.GetStream(), metrics.UpstreamPackets, cancellationToken)
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

        return new Result(stream.Packetizer.Packets, error);
    }
}
