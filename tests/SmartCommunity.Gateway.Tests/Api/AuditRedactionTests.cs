using System.Text;
using SmartCommunity.Gateway.Audit;

namespace SmartCommunity.Gateway.Tests.Api;

/// <summary>The audit log's copy of a request body: secrets hidden, and hostile shapes never an error.</summary>
public sealed class AuditRedactionTests
{
    [Fact]
    public void ABodyWithAPropertyNamedTwiceIsSummarisedBySizeNotThrown()
    {
        // System.Text.Json's reader takes the last of two names, so a handler may accept this body; JsonObject throws
        // on it when enumerated, and that once turned an accepted change into a broken response (the API fuzz run).
        var body = Encoding.UTF8.GetBytes("""{"phone":"1","phone":"2","password":"p-5531"}""");

        var summary = AuditRedaction.Summarise(body);

        Assert.Equal($"({body.Length} bytes, JSON with a property named twice)", summary);
        Assert.DoesNotContain("p-5531", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretsAreHiddenAndOtherFieldsKept()
    {
        var summary = AuditRedaction.Summarise("""{"name":"王芳","password":"p-5531","url":"rtsp://u:p-5531@cam/x?token=t"}"""u8);

        Assert.NotNull(summary);
        Assert.DoesNotContain("p-5531", summary, StringComparison.Ordinal);
        Assert.Contains("王芳", summary, StringComparison.Ordinal);
    }
}
