using SmartCommunity.Gb28181.Sip;

namespace SmartCommunity.Gb28181.Tests.Sip;

/// <summary>The gateway's digest answer as a lower platform (RFC 2617), checked by the server side's own verifier.</summary>
public sealed class DigestClientTests
{
    private const string Uri = "sip:44010000002000000001@4401000000";

    [Theory]
    [InlineData("upstream-password", "upstream-password", DigestVerdict.Accepted)]
    [InlineData("upstream-password", "another-password", DigestVerdict.WrongResponse)]
    public void AnAnswerToAChallengeIsAcceptedOnlyWithThePassword(string stored, string used, DigestVerdict expected)
    {
        var server = new DigestAuthenticator("4401000000", TimeSpan.FromMinutes(5), TimeProvider.System);
        var challenge = DigestChallenge.Parse(server.Challenge());
        Assert.NotNull(challenge);
        Assert.Equal("4401000000", challenge.Realm);

        var header = challenge.Authorization("34020000002000000001", used, "REGISTER", Uri, "0a1b2c3d");
        var credentials = DigestCredentials.Parse(header);
        Assert.NotNull(credentials);
        Assert.Equal(expected, server.Verify(credentials, "REGISTER", "34020000002000000001", DigestAuthenticator.Ha1("34020000002000000001", "4401000000", stored)));
    }

    [Theory]
    [InlineData("Basic realm=\"x\"")]
    [InlineData("Digest realm=\"x\"")]
    [InlineData("Digest realm=\"x\", nonce=\"\"")]
    [InlineData("Digest realm=\"x\", nonce=\"n\", algorithm=SHA-256")]
    [InlineData("Digest realm=\"x, nonce=\"n\"")]
    public void AChallengeTheGatewayCannotAnswerIsNull(string header) => Assert.Null(DigestChallenge.Parse(header));
}
