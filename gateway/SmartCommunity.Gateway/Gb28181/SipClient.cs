using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using SmartCommunity.Gb28181.Sip;

namespace SmartCommunity.Gateway.Gb28181;

/// <summary>
/// Requests the gateway sends to registered devices (MESSAGE queries, INVITE, BYE) and the matching of their responses
/// by the top Via branch (RFC 3261 §17.1.3). Over UDP a request is sent again at 500 ms, 1 s, 2 s, … until answered
/// (timer A, §17.1.2.2) or the timeout passes.
/// </summary>
public sealed class SipClient(Gb28181Options options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<SipMessage>> _pending = new(StringComparer.Ordinal);
    private long _cseq;
    private long _sn;

    public SipTransport? Transport { get; set; }

    /// <summary>A fresh MANSCDP SN (GB/T 28181-2016 A.2: sequence number of a command).</summary>
    public long NextSn() => Interlocked.Increment(ref _sn);

    /// <summary>
    /// A new request to a registered device (or, with <paramref name="user"/>, to one of its channels: INVITE and BYE
    /// name the channel, GB/T 28181-2016 §9.2.2.1), with our Via, From and a new Call-ID.
    /// </summary>
    public SipMessage NewRequest(string method, DeviceSession session, string? callId = null, string? fromTag = null, long? cseq = null, string? user = null)
    {
        var realm = options.EffectiveRealm;
        var host = options.EffectiveAddress;
        user ??= session.DeviceId;
        var request = SipMessage.Request(method, $"sip:{user}@{session.Remote}");
        request.Add("Via", $"SIP/2.0/{session.Transport} {host}:{options.Port.ToString(CultureInfo.InvariantCulture)};rport;branch=z9hG4bK{Random(8)}");
        request.Add("From", $"<sip:{options.ServerId}@{realm}>;tag={fromTag ?? Random(6)}");
        request.Add("To", $"<sip:{user}@{realm}>");
        request.Add("Call-ID", callId ?? Random(12) + "@" + host);
        request.Add("CSeq", $"{(cseq ?? Interlocked.Increment(ref _cseq)).ToString(CultureInfo.InvariantCulture)} {method}");
        request.Add("Max-Forwards", "70");
        request.Add("User-Agent", "SmartCommunity");
        return request;
    }

    /// <summary>Sends a request and waits for its final response; null when none came within <paramref name="timeout"/>.</summary>
    public async Task<SipMessage?> SendAsync(SipMessage request, DeviceSession session, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var transport = Transport ?? throw new InvalidOperationException("The SIP transport is not started.");
        var branch = SipUri.Param(request.Get("Via"), "branch")!;
        var answered = new TaskCompletionSource<SipMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[branch] = answered;
        try
        {
            using var deadline = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
            var interval = TimeSpan.FromMilliseconds(500);
            while (true)
            {
                if (session.Transport == "TCP")
                {
                    var peer = transport.TcpPeer(session.Remote);
                    if (peer is null)
                    {
                        return null; // The device's connection is gone; it must register again.
                    }

                    await peer.SendAsync(request).ConfigureAwait(false);
                    interval = Timeout.InfiniteTimeSpan;
                }
                else
                {
                    await transport.SendUdpAsync(session.Remote, request).ConfigureAwait(false);
                }

                try
                {
                    return await answered.Task.WaitAsync(interval, time, linked.Token).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, TimeSpan.FromSeconds(4).Ticks));
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            _pending.TryRemove(branch, out _);
        }
    }

    /// <summary>Sends a request that gets no response (ACK, RFC 3261 §17.1.1.3), once.</summary>
    public async Task SendOnceAsync(SipMessage request, DeviceSession session)
    {
        var transport = Transport ?? throw new InvalidOperationException("The SIP transport is not started.");
        if (session.Transport == "TCP")
        {
            if (transport.TcpPeer(session.Remote) is { } peer)
            {
                await peer.SendAsync(request).ConfigureAwait(false);
            }

            return;
        }

        await transport.SendUdpAsync(session.Remote, request).ConfigureAwait(false);
    }

    /// <summary>Hands a response to the request waiting for it; false when none waits (a stray or late response).</summary>
    public bool OnResponse(SipMessage response)
    {
        if (response.StatusCode < 200)
        {
            return SipUri.Param(response.Get("Via"), "branch") is { } b && _pending.ContainsKey(b); // Provisional: keep waiting.
        }

        return SipUri.Param(response.Get("Via"), "branch") is { } branch && _pending.TryRemove(branch, out var waiting) && waiting.TrySetResult(response);
    }

    private static string Random(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
