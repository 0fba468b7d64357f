using Microsoft.Extensions.Time.Testing;
using SmartCommunity.Gb28181.Sip;

namespace SmartCommunity.Gb28181.Tests.Sip;

public class DigestAuthenticatorTests
{
    private const string Device = "34020000001320000001";
    private const string Realm = "3402000000";
    private const string Uri = "sip:34020000002000000001@3402000000";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-07-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly DigestAuthenticator _auth;
    private readonly string _ha1 = DigestAuthenticator.Ha1(Device, Realm, "camera-password-0001");

    public DigestAuthenticatorTests() => _auth = new DigestAuthenticator(Realm, TimeSpan.FromMinutes(5), _time);

    private static string NonceOf(string challenge) => SipUri.Param(challenge.Replace(", ", ";", StringComparison.Ordinal), "nonce")!.Trim('"');

    private static DigestCredentials Answer(string nonce, string password, string user = Device, string realm = Realm)
    {
        // The client side of RFC 2617 §3.2.2.1 without qop, written out rather than calling the code under test.
        var ha1 = DigestAuthenticator.Md5Hex($"{user}:{realm}:{password}");
        var ha2 = DigestAuthenticator.Md5Hex($"REGISTER:{Uri}");
        var header = $"Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{Uri}\", response=\"{DigestAuthenticator.Md5Hex($"{ha1}:{nonce}:{ha2}")}\", algorithm=MD5";
        return DigestCredentials.Parse(header)!;
    }

    [Fact]
    public void TheKnownRfc2617ExampleComputes()
    {
        // RFC 2617 §3.5 (with qop=auth): Mufasa / Circle Of Life.
        var ha1 = DigestAuthenticator.Ha1("Mufasa", "testrealm@host.com", "Circle Of Life");
        var ha2 = DigestAuthenticator.Md5Hex("GET:/dir/index.html");
        var response = DigestAuthenticator.Md5Hex($"{ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:00000001:0a4f113b:auth:{ha2}");
        Assert.Equal("6629fae49393a05397450978507c4ef1", response);
    }

    [Fact]
    public void TheRightPasswordIsAcceptedOnce()
    {
        var nonce = NonceOf(_auth.Challenge());
        Assert.Equal(DigestVerdict.Accepted, _auth.Verify(Answer(nonce, "camera-password-0001"), "REGISTER", Device, _ha1));
        Assert.Equal(DigestVerdict.Replayed, _auth.Verify(Answer(nonce, "camera-password-0001"), "REGISTER", Device, _ha1));
    }

    [Fact]
    public void AWrongPasswordOrAnUnknownDeviceIsAWrongResponse()
    {
        Assert.Equal(DigestVerdict.WrongResponse, _auth.Verify(Answer(NonceOf(_auth.Challenge()), "guess"), "REGISTER", Device, _ha1));
        Assert.Equal(DigestVerdict.WrongResponse, _auth.Verify(Answer(NonceOf(_auth.Challenge()), "guess"), "REGISTER", Device, ha1: null));
    }

    [Fact]
    public void AnExpiredNonceIsStaleAndAForgedOneIsRecognised()
    {
        var nonce = NonceOf(_auth.Challenge());
        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(DigestVerdict.StaleNonce, _auth.Verify(Answer(nonce, "camera-password-0001"), "REGISTER", Device, _ha1));

        var forged = nonce[..^2] + (nonce[^1] == '0' ? "11" : "00");
        Assert.Equal(DigestVerdict.ForgedNonce, _auth.Verify(Answer(forged, "camera-password-0001"), "REGISTER", Device, _ha1));
        var otherGateway = new DigestAuthenticator(Realm, TimeSpan.FromMinutes(5), _time);
        Assert.Equal(DigestVerdict.ForgedNonce, otherGateway.Verify(Answer(NonceOf(_auth.Challenge()), "camera-password-0001"), "REGISTER", Device, _ha1));
    }

    [Fact]
    public void AnotherUserOrRealmIsRefused()
    {
        Assert.Equal(DigestVerdict.WrongUser, _auth.Verify(Answer(NonceOf(_auth.Challenge()), "camera-password-0001", user: "34020000001320000002"), "REGISTER", Device, _ha1));
        Assert.Equal(DigestVerdict.WrongRealm, _auth.Verify(Answer(NonceOf(_auth.Challenge()), "camera-password-0001", realm: "1100000000"), "REGISTER", Device, _ha1));
    }

    [Fact]
    public void WithQopTheNonceCountMustRise()
    {
        var nonce = NonceOf(_auth.Challenge());
        DigestCredentials WithCount(string nc)
        {
            var ha2 = DigestAuthenticator.Md5Hex($"REGISTER:{Uri}");
            var response = DigestAuthenticator.Md5Hex($"{_ha1}:{nonce}:{nc}:c0ffee:auth:{ha2}");
            return DigestCredentials.Parse($"Digest username=\"{Device}\",realm=\"{Realm}\",nonce=\"{nonce}\",uri=\"{Uri}\",response=\"{response}\",qop=auth,nc={nc},cnonce=\"c0ffee\"")!;
        }

        Assert.Equal(DigestVerdict.Accepted, _auth.Verify(WithCount("00000001"), "REGISTER", Device, _ha1));
        Assert.Equal(DigestVerdict.Accepted, _auth.Verify(WithCount("00000002"), "REGISTER", Device, _ha1));
        Assert.Equal(DigestVerdict.Replayed, _auth.Verify(WithCount("00000002"), "REGISTER", Device, _ha1));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Digest username=\"a\", realm=\"b\"")]
    [InlineData("Digest username=\"a\", username=\"b\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"")]
    [InlineData("Digest username=\"unterminated")]
    public void HeadersThatAreNotACompleteDigestAreNotParsed(string? header) => Assert.Null(DigestCredentials.Parse(header));
}
