using System.Text;
using SmartCommunity.Gb28181.Sip;

namespace SmartCommunity.Gb28181.Tests.Sip;

public class SipParserTests
{
    private const string Register =
        "REGISTER sip:34020000002000000001@3402000000 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.168.1.64:5060;rport;branch=z9hG4bK1234\r\n" +
        "From: <sip:34020000001320000001@3402000000>;tag=abc\r\n" +
        "To: <sip:34020000001320000001@3402000000>\r\n" +
        "Call-ID: 42@192.168.1.64\r\n" +
        "CSeq: 1 REGISTER\r\n" +
        "Contact: <sip:34020000001320000001@192.168.1.64:5060>\r\n" +
        "Max-Forwards: 70\r\n" +
        "Expires: 3600\r\n" +
        "Content-Length: 0\r\n\r\n";

    [Fact]
    public void ARegisterFromACameraIsReadWithItsHeaders()
    {
        var result = SipParser.ParseDatagram(Encoding.ASCII.GetBytes(Register), SipLimits.Default);

        Assert.Equal(SipParseStatus.Complete, result.Status);
        var message = result.Message!;
        Assert.Equal("REGISTER", message.Method);
        Assert.Equal("34020000001320000001", message.FromUser);
        Assert.Equal("3600", message.Get("expires"));
        Assert.Equal((1L, "REGISTER"), message.CSeq);
        Assert.Equal("abc", SipUri.Param(message.Get("From"), "tag"));
    }

    [Fact]
    public void CompactHeaderNamesAreTheirLongForms()
    {
        var text = Register.Replace("Via:", "v:", StringComparison.Ordinal).Replace("Call-ID:", "i:", StringComparison.Ordinal);
        var message = SipParser.ParseDatagram(Encoding.ASCII.GetBytes(text), SipLimits.Default).Message!;
        Assert.Equal("42@192.168.1.64", message.CallId);
        Assert.NotNull(message.Get("Via"));
    }

    [Fact]
    public void AResponseSerializedAndParsedAgainKeepsItsHeadersAndBody()
    {
        var request = SipParser.ParseDatagram(Encoding.ASCII.GetBytes(Register), SipLimits.Default).Message!;
        var response = SipMessage.ResponseTo(request, 200, "OK", toTag: "t1");
        response.Body = Encoding.UTF8.GetBytes("<Response/>");

        var back = SipParser.ParseDatagram(response.ToBytes(), SipLimits.Default).Message!;

        Assert.Equal(200, back.StatusCode);
        Assert.Equal("t1", SipUri.Param(back.Get("To"), "tag"));
        Assert.Equal("<Response/>", Encoding.UTF8.GetString(back.Body.Span));
    }

    [Fact]
    public void AStreamYieldsMessagesOneAtATimeAndWaitsForTheRest()
    {
        var bytes = Encoding.ASCII.GetBytes("\r\n\r\n" + Register + Register);
        var first = SipParser.ParseStream(bytes, SipLimits.Default);
        Assert.Equal(SipParseStatus.Complete, first.Status);
        var second = SipParser.ParseStream(bytes.AsSpan(first.Consumed), SipLimits.Default);
        Assert.Equal(SipParseStatus.Complete, second.Status);
        Assert.Equal(bytes.Length, first.Consumed + second.Consumed);

        Assert.Equal(SipParseStatus.Incomplete, SipParser.ParseStream(bytes.AsSpan(0, 40), SipLimits.Default).Status);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("hello\r\n\r\n", "bad-start-line")]
    [InlineData("REGISTER sip:x@y SIP/3.0\r\nVia: a\r\n\r\n", "bad-start-line")]
    [InlineData("SIP/2.0 9999 Huh\r\n\r\n", "bad-start-line")]
    [InlineData("REGISTER sip:x@y SIP/2.0\r\nno colon here\r\n\r\n", "bad-header")]
    [InlineData("REGISTER sip:x@y SIP/2.0\r\nVia: a\r\n\r\n", "missing-from")]
    [InlineData("REGISTER sip:x@y SIP/2.0\r\nVia: a\r\nFrom: a\r\nTo: b\r\nCall-ID: c\r\nCSeq: x REGISTER\r\n\r\n", "bad-cseq")]
    [InlineData("REGISTER sip:x@y SIP/2.0\r\nVia: a\r\nFrom: a\r\nTo: b\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\nContent-Length: -5\r\n\r\n", "bad-content-length")]
    [InlineData("REGISTER sip:x@y SIP/2.0\r\nVia: a\r\nFrom: a\r\nTo: b\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\nContent-Length: 10\r\n\r\nabc", "truncated")]
    [InlineData("REGISTER sip:x@y SIP/2.0\r\nVia: a\r\nFrom: a", "no-end-of-headers")]
    public void MalformedMessagesAreRefusedWithAReason(string text, string reason)
    {
        var result = SipParser.ParseDatagram(Encoding.ASCII.GetBytes(text), SipLimits.Default);
        Assert.Equal(SipParseStatus.Invalid, result.Status);
        Assert.Equal(reason, result.Reason);
    }

    [Fact]
    public void OversizedMessagesAreRefusedBeforeTheyAreRead()
    {
        var limits = new SipLimits(MaxMessageBytes: 1024);
        var huge = Register.Replace("Content-Length: 0", "Content-Length: 5000", StringComparison.Ordinal) + new string('x', 5000);
        Assert.Equal("oversized", SipParser.ParseDatagram(Encoding.ASCII.GetBytes(huge), limits).Reason);
        Assert.Equal("oversized", SipParser.ParseStream(Encoding.ASCII.GetBytes(huge[..(huge.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)]), limits).Reason);

        var endless = Encoding.ASCII.GetBytes("REGISTER sip:x@y SIP/2.0\r\nX: " + new string('a', 2000));
        Assert.Equal("oversized", SipParser.ParseStream(endless, limits).Reason);
    }

    [Fact]
    public void TooManyOrTooLongHeadersAreRefused()
    {
        var many = Register.Replace("Max-Forwards: 70\r\n", string.Concat(Enumerable.Repeat("X-A: 1\r\n", 100)), StringComparison.Ordinal);
        Assert.Equal("too-many-headers", SipParser.ParseDatagram(Encoding.ASCII.GetBytes(many), SipLimits.Default).Reason);

        var longLine = Register.Replace("Max-Forwards: 70", "X-Long: " + new string('a', 5000), StringComparison.Ordinal);
        Assert.Equal("header-too-long", SipParser.ParseDatagram(Encoding.ASCII.GetBytes(longLine), SipLimits.Default).Reason);
    }

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(28181);
        var buffer = new byte[600];
        var seed = Encoding.ASCII.GetBytes(Register);
        for (var i = 0; i < 20_000; i++)
        {
            // Mutate a real message so the parser gets past the first checks often.
            seed.CopyTo(buffer, 0);
            for (var j = random.Next(1, 8); j > 0; j--)
            {
                buffer[random.Next(seed.Length)] = (byte)random.Next(256);
            }

            var result = SipParser.ParseDatagram(buffer.AsSpan(0, random.Next(seed.Length + 1)), SipLimits.Default);
            Assert.True(result.Status == SipParseStatus.Complete || result.Reason is not null);
        }
    }
}
