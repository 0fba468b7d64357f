using System.Net;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.TimeSeries.Tests.Writing;

public class WriteResponseClassifierTests
{
    [Theory]
    [InlineData(HttpStatusCode.NoContent, "Written")]
    [InlineData(HttpStatusCode.OK, "Written")]
    [InlineData(HttpStatusCode.Unauthorized, "ConfigError")]
    [InlineData(HttpStatusCode.Forbidden, "ConfigError")]
    [InlineData(HttpStatusCode.NotFound, "ConfigError")]
    [InlineData(HttpStatusCode.InternalServerError, "Retryable")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "Retryable")]
    [InlineData(HttpStatusCode.GatewayTimeout, "Retryable")]
    [InlineData(HttpStatusCode.TooManyRequests, "Retryable")]
    [InlineData(HttpStatusCode.RequestTimeout, "Retryable")]
    [InlineData(HttpStatusCode.BadRequest, "PartiallyRejected")]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, "PartiallyRejected")]
    [InlineData(HttpStatusCode.UnprocessableEntity, "PartiallyRejected")]
    public void EachStatusCodeLeadsToTheRightAction(HttpStatusCode status, string expected)
    {
        Assert.Equal(expected, WriteResponseClassifier.Classify(status, "{\"error\":\"x\"}", 10).Status.ToString());
    }

    [Fact]
    public void A1xPartialWriteWithDroppedCountRejectsExactlyThatMany()
    {
        var body = "{\"error\":\"partial write: field type conflict: input field \\\"v\\\" on measurement \\\"m\\\" is type integer, already exists as type float dropped=3\"}";
        var outcome = WriteResponseClassifier.Classify(HttpStatusCode.BadRequest, body, 100);
        Assert.Equal(WriteStatus.PartiallyRejected, outcome.Status);
        Assert.Equal(3, outcome.RejectedLines);
        Assert.Contains("field type conflict", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A1xParseErrorRejectsOneLinePerUnableToParse()
    {
        var body = "{\"error\":\"partial write: unable to parse 'm v=': missing field value\\nunable to parse 'x y': invalid field format\"}";
        Assert.Equal(2, WriteResponseClassifier.Classify(HttpStatusCode.BadRequest, body, 100).RejectedLines);
    }

    [Fact]
    public void A400WithoutDetailRejectsTheWholeBatch()
    {
        Assert.Equal(7, WriteResponseClassifier.Classify(HttpStatusCode.BadRequest, "{\"error\":\"bad\"}", 7).RejectedLines);
    }

    [Fact]
    public void ServerErrorTextIsKeptShortForLogs()
    {
        var outcome = WriteResponseClassifier.Classify(HttpStatusCode.InternalServerError, new string('x', 50_000), 1);
        Assert.True(outcome.Error!.Length < 1100);
    }
}
