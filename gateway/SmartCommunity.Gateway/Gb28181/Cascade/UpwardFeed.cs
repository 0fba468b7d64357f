using System.Net;
using System.Net.Sockets;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gb28181.Media;
using SmartCommunity.Gb28181.Sip;
using SmartCommunity.Media.Live;

namespace SmartCommunity.Gateway.Gb28181.Cascade;

/// <summary>One camera sent upward: the superior's INVITE dialog, where the media goes, and the sender's state.</summary>
public sealed class UpwardFeed(string callId, string channelId, Camera camera, SipMessage invite, SipMessage answer, SipPeer peer, IPEndPoint target, Socket? udp, uint ssrc,
    (long StartMs, long EndMs)? range, double speed, TimeProvider time)
{
    /// <summary>The footage asked for (<c>s=Playback</c> or <c>s=Download</c>, Unix ms), or null for live.</summary>
    public (long StartMs, long EndMs)? Range { get; } = range;

    /// <summary>Where the playback stands (null for live): the superior's MANSRTSP controls move it.</summary>
    public PlaybackCursor? Cursor { get; } = range is { } r ? new PlaybackCursor(TimeSpan.FromMilliseconds(r.EndMs - r.StartMs), speed, time) : null;

    public string CallId { get; } = callId;

    public string ChannelId { get; } = channelId;

    public Camera Camera { get; } = camera;

    public SipMessage Invite { get; } = invite;

    public SipMessage Answer { get; } = answer;

    public SipPeer Peer { get; } = peer;

    public IPEndPoint Target { get; } = target;

    /// <summary>The UDP socket media leaves from (null over TCP).</summary>
    public Socket? Udp { get; } = udp;

    /// <summary>The connection to the superior over TCP, once made; it outlives the ffmpeg runs of a controlled playback.</summary>
    public TcpClient? Tcp { get; set; }

    public uint Ssrc { get; } = ssrc;

    /// <summary>One RTP sequence for the whole dialog, across the ffmpeg runs of a controlled playback.</summary>
    public PsRtpPacketizer Packetizer { get; } = new(ssrc, ProgramStreamArguments.PackBytes, (ushort)Random.Shared.Next(65_536));

    public TaskCompletionSource Acked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationTokenSource Stop { get; } = new();

    public bool ByeReceived { get; set; }

    public Task? Run { get; set; }
}

/// <summary>Recorded segment files to play, from <paramref name="Inpoint"/> into the first to <paramref name="Outpoint"/> into the last.</summary>
public sealed record PlaybackRange(IReadOnlyList<string> Files, TimeSpan Inpoint, TimeSpan Outpoint);
