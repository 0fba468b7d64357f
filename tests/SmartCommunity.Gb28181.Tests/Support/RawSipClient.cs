using System.Net;
using System.Net.Sockets;
using System.Text;
using SmartCommunity.Gb28181.Sip;

namespace SmartCommunity.Gb28181.Tests.Support;

/// <summary>A bare UDP socket for hostile cases SIPp cannot send: garbage, floods, replays. Binds a chosen loopback address.</summary>
public sealed class RawSipClient(int gatewayPort, string localAddress = "127.0.0.1") : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Parse(localAddress), 0));
    private readonly IPEndPoint _gateway = new(IPAddress.Loopback, gatewayPort);

    public IPEndPoint Local => (IPEndPoint)_udp.Client.LocalEndPoint!;

    public async Task SendAsync(byte[] datagram) => await _udp.SendAsync(datagram, _gateway);

    /// <summary>
    /// Sends and waits for one response; null when none comes within <paramref name="timeout"/>. Requests from the
    /// gateway meanwhile (its Catalog query after a registration) are skipped.
    /// </summary>
    public async Task<SipMessage?> RequestAsync(byte[] datagram, TimeSpan timeout)
    {
        await SendAsync(datagram);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var received = await _udp.ReceiveAsync(cancel.Token);
                if (SipParser.ParseDatagram(received.Buffer, SipLimits.Default).Message is { IsRequest: false } response)
                {
                    return response;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public byte[] Register(string device, int cseq, string? authorization = null, int expires = 3600)
    {
        var text = new StringBuilder()
            .Append("REGISTER sip:").Append(GbGateway.ServerId).Append('@').Append(GbGateway.Realm).Append(" SIP/2.0\r\n")
            .Append("Via: SIP/2.0/UDP ").Append(Local).Append(";rport;branch=z9hG4bK").Append(Guid.NewGuid().ToString("N")[..10]).Append("\r\n")
            .Append("From: <sip:").Append(device).Append('@').Append(GbGateway.Realm).Append(">;tag=raw1\r\n")
            .Append("To: <sip:").Append(device).Append('@').Append(GbGateway.Realm).Append(">\r\n")
            .Append("Call-ID: raw-").Append(device).Append("\r\n")
            .Append("CSeq: ").Append(cseq).Append(" REGISTER\r\n")
            .Append("Contact: <sip:").Append(device).Append('@').Append(Local).Append(">\r\n")
            .Append("Expires: ").Append(expires).Append("\r\n");
        if (authorization is not null)
        {
            text.Append("Authorization: ").Append(authorization).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(text.Append("Content-Length: 0\r\n\r\n").ToString());
    }

    /// <summary>The Authorization a device computes for a 401's challenge (RFC 2617 without qop).</summary>
    public static string Authorization(SipMessage challenge, string device, string password)
    {
        var header = challenge.Get("WWW-Authenticate")!;
        var nonce = header[(header.IndexOf("nonce=\"", StringComparison.Ordinal) + 7)..];
        nonce = nonce[..nonce.IndexOf('"', StringComparison.Ordinal)];
        var uri = $"sip:{GbGateway.ServerId}@{GbGateway.Realm}";
        var ha1 = DigestAuthenticator.Md5Hex($"{device}:{GbGateway.Realm}:{password}");
        var response = DigestAuthenticator.Md5Hex($"{ha1}:{nonce}:{DigestAuthenticator.Md5Hex("REGISTER:" + uri)}");
        return $"Digest username=\"{device}\", realm=\"{GbGateway.Realm}\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", algorithm=MD5";
    }

    public void Dispose() => _udp.Dispose();
}
