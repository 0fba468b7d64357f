using System.Collections.Concurrent;
using SmartCommunity.Gb28181.Sip;

namespace SmartCommunity.Gateway.Gb28181;

/// <summary>
/// The server transactions of recent MESSAGEs (RFC 3261 §17.2.2): a device resends a MESSAGE every 500 ms until its 200
/// arrives (timer E), so under load one alarm can arrive twice. A retransmission (same top Via branch, Call-ID and CSeq)
/// gets the same response again and is not handled twice. Entries live 32 s (timer J, 64·T1) and at most
/// <see cref="MaxEntries"/> are kept; beyond that the oldest are dropped (a retransmission then is handled anew, as
/// before this existed).
/// </summary>
public sealed class RecentTransactions(TimeProvider time)
{
    public const int MaxEntries = 10_000;
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(32);
    private readonly ConcurrentDictionary<string, (SipMessage Response, DateTimeOffset At)> _responses = new(StringComparer.Ordinal);

    /// <summary>The response already sent for this request, when it is a retransmission.</summary>
    public bool TryGet(SipMessage request, out SipMessage response)
    {
        response = null!;
        if (Key(request) is not { } key || !_responses.TryGetValue(key, out var entry) || time.GetUtcNow() - entry.At > Lifetime)
        {
            return false;
        }

        response = entry.Response;
        return true;
    }

    public void Remember(SipMessage request, SipMessage response)
    {
        if (Key(request) is not { } key)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (_responses.Count >= MaxEntries)
        {
            foreach (var (old, entry) in _responses)
            {
                if (now - entry.At > Lifetime || _responses.Count >= MaxEntries)
                {
                    _responses.TryRemove(old, out _);
                }
            }
        }

        _responses[key] = (response, now);
    }

    private static string? Key(SipMessage request) =>
        SipUri.Param(request.Get("Via"), "branch") is { Length: > 0 and <= 128 } branch && request.CallId is { } callId && request.CSeq is { } cseq
            ? $"{branch}|{callId}|{cseq.Number}|{cseq.Method}"
            : null;
}
