using System.Globalization;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Infrastructure.Security;
using SmartCommunity.Gb28181.Sip;
using SmartCommunity.Protocol.Identity;

namespace SmartCommunity.Gateway.Gb28181;

/// <summary>
/// REGISTER (GB/T 28181-2016 §9.1.2.1, RFC 3261 §10.3): every device is challenged (401 with a digest nonce) and
/// registered only with the right digest of its registry secret. Unknown devices get the same 403 as wrong passwords;
/// failures go to the shared <see cref="LoginThrottle"/> (channel <c>sip</c>) as MQTT's do; a source sending more
/// REGISTERs than <see cref="Gb28181Options.MaxRegistersPerSourcePerMinute"/> is not answered at all.
/// </summary>
public sealed class Registrar(Gb28181Options options, DigestAuthenticator digest, SipCredentialStore credentials, DeviceRegistry devices,
    DeviceSessions sessions, DevicePresence presence, LoginThrottle throttle, PerMinuteLimiter flood, Gb28181Metrics metrics, TimeProvider time,
    ILogger<Registrar> logger)
{
    /// <summary>Raised after a device registered (not on refreshes), e.g. to query its catalog.</summary>
    public event Action<DeviceSession>? Registered;

    public async Task HandleAsync(SipMessage request, SipPeer peer)
    {
        var source = peer.Remote.Address;
        if (!flood.Allow(LoginThrottle.SourceOf(source)))
        {
            metrics.Refused("register-flood");
            return; // Unanswered: a flood gets nothing to work with.
        }

        var deviceId = request.FromUser;
        if (deviceId is null || !Gb28181Id.TryParse(deviceId, out _, out _))
        {
            metrics.Refused("bad-device-id");
            await peer.SendAsync(SipMessage.ResponseTo(request, 400, "Bad From: not a GB/T 28181 ID")).ConfigureAwait(false);
            return;
        }

        var authorization = request.Get("Authorization");
        if (authorization is null)
        {
            metrics.Registration("challenged");
            await ChallengeAsync(request, peer, stale: false).ConfigureAwait(false);
            return;
        }

        if (throttle.IsLockedOut(source, deviceId, "sip"))
        {
            metrics.Refused("throttled");
            await peer.SendAsync(SipMessage.ResponseTo(request, 403, "Forbidden")).ConfigureAwait(false);
            return;
        }

        var parsed = DigestCredentials.Parse(authorization);
        var verdict = parsed is null ? DigestVerdict.Malformed : digest.Verify(parsed, "REGISTER", deviceId, credentials.Ha1(deviceId));
        var device = devices.Get(deviceId);
        if (verdict == DigestVerdict.Accepted && device is { Device.Enabled: false })
        {
            verdict = DigestVerdict.WrongResponse;
        }

        switch (verdict)
        {
            case DigestVerdict.Accepted:
                break;
            case DigestVerdict.StaleNonce or DigestVerdict.Replayed or DigestVerdict.ForgedNonce:
                // RFC 2617 §3.2.1: an old nonce with a right password only needs a new nonce; a replay gets a new challenge too.
                metrics.Refused(Reason(verdict));
                await ChallengeAsync(request, peer, stale: verdict == DigestVerdict.StaleNonce).ConfigureAwait(false);
                return;
            default:
                metrics.Refused(device is null ? "unknown-device" : Reason(verdict));
                metrics.Registration("refused");
                throttle.Failed(source, deviceId, "sip");
                await peer.SendAsync(SipMessage.ResponseTo(request, 403, "Forbidden")).ConfigureAwait(false);
                return;
        }

        throttle.Succeeded(source, deviceId);
        await AcceptAsync(request, peer, deviceId).ConfigureAwait(false);
    }

    private async Task AcceptAsync(SipMessage request, SipPeer peer, string deviceId)
    {
        var requested = RequestedExpires(request);
        var now = time.GetUtcNow();
        if (requested == 0)
        {
            var was = sessions.Remove(deviceId);
            metrics.Registration("unregistered");
            if (was)
            {
                presence.OnDisconnected(deviceId, "sip unregistered");
                metrics.Presence("unregistered");
            }

            var bye = SipMessage.ResponseTo(request, 200, "OK", NewTag());
            bye.Add("Expires", "0");
            await peer.SendAsync(bye).ConfigureAwait(false);
            logger.LogInformation("GB/T 28181 device {Device} unregistered", deviceId);
            return;
        }

        var seconds = requested ?? (long)options.MaxExpires.TotalSeconds;
        if (seconds < options.MinExpires.TotalSeconds)
        {
            // RFC 3261 §10.3 step 7.
            metrics.Refused("interval-too-brief");
            var brief = SipMessage.ResponseTo(request, 423, "Interval Too Brief");
            brief.Add("Min-Expires", ((long)options.MinExpires.TotalSeconds).ToString(CultureInfo.InvariantCulture));
            await peer.SendAsync(brief).ConfigureAwait(false);
            return;
        }

        seconds = Math.Min(seconds, (long)options.MaxExpires.TotalSeconds);
        var existing = sessions.Get(deviceId);
        // A refresh keeps the session; a device that comes back from elsewhere (rebooted, new port) is new to us.
        var fresh = existing is null || !existing.Remote.Equals(peer.Remote);
        var session = existing ?? new DeviceSession(deviceId, peer.Remote, peer.Transport, now, now);
        session.Remote = peer.Remote;
        session.Transport = peer.Transport;
        session.Expires = now.AddSeconds(seconds);
        session.LastHeard = now;
        sessions.Set(session);

        var ok = SipMessage.ResponseTo(request, 200, "OK", NewTag());
        if (request.Get("Contact") is { } contact)
        {
            ok.Add("Contact", contact);
        }

        ok.Add("Expires", seconds.ToString(CultureInfo.InvariantCulture));
        // GB/T 28181-2016 §9.10: the 200 to REGISTER carries the time devices set their clocks by (local time, no zone).
        ok.Add("Date", now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture));
        await peer.SendAsync(ok).ConfigureAwait(false);
        metrics.Registration("registered");
        presence.OnConnected(deviceId);
        if (fresh)
        {
            metrics.Presence("registered");
            logger.LogInformation("GB/T 28181 device {Device} registered from {Remote} over {Transport} for {Seconds} s", deviceId, peer.Remote, peer.Transport, seconds);
            Registered?.Invoke(session);
        }
    }

    private Task ChallengeAsync(SipMessage request, SipPeer peer, bool stale)
    {
        var challenge = SipMessage.ResponseTo(request, 401, "Unauthorized", NewTag());
        challenge.Add("WWW-Authenticate", digest.Challenge(stale));
        return peer.SendAsync(challenge);
    }

    /// <summary>Expires from the header, else from the Contact's <c>expires</c> parameter (RFC 3261 §10.2.1.1); null when neither.</summary>
    private static long? RequestedExpires(SipMessage request)
    {
        var text = request.Get("Expires") ?? SipUri.Param(request.Get("Contact"), "expires");
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    private static string Reason(DigestVerdict verdict) => verdict switch
    {
        DigestVerdict.WrongResponse => "wrong-digest",
        DigestVerdict.Replayed => "replayed-digest",
        DigestVerdict.StaleNonce => "stale-nonce",
        DigestVerdict.ForgedNonce => "forged-nonce",
        DigestVerdict.WrongRealm => "wrong-realm",
        DigestVerdict.WrongUser => "wrong-user",
        DigestVerdict.UnsupportedAlgorithm => "unsupported-algorithm",
        _ => "malformed-digest",
    };

    internal static string NewTag() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
}
