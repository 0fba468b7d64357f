using System.Net;
using SmartCommunity.TimeSeries.Querying;
using SmartCommunity.TimeSeries.Tests.Support;

namespace SmartCommunity.TimeSeries.Tests.Querying;

public sealed class InfluxQueryClientTests : IDisposable
{
    private readonly FakeInfluxHandler _influx = new();

    public void Dispose() => _influx.Dispose();

    private InfluxQueryClient Client(Action<InfluxOptions>? tweak = null)
    {
        var o = new InfluxOptions { ServerUrl = new Uri("http://influx.test:8086/prefix"), Database = "community" };
        tweak?.Invoke(o);
        return new InfluxQueryClient(o, new HttpClient(_influx));
    }

    [Fact]
    public async Task ReadsAreGetsWithDatabaseEpochAndQuery()
    {
        _influx.Answer(HttpStatusCode.OK, "{\"results\":[{\"statement_id\":0}]}");
        using var client = Client(o => { o.Username = "u"; o.Password = "p w"; o.V1Credentials = V1CredentialMode.QueryString; o.RetentionPolicy = "week"; });
        await client.QueryAsync("SELECT * FROM \"m\" WHERE \"k\" = 'a b'");
        var r = Assert.Single(_influx.Requests);
        Assert.Equal(HttpMethod.Get, r.Method);
        Assert.Equal("http://influx.test:8086/prefix/query?db=community&rp=week&u=u&p=p%20w&epoch=ms&q=SELECT%20%2A%20FROM%20%22m%22%20WHERE%20%22k%22%20%3D%20%27a%20b%27", r.Uri.AbsoluteUri);
    }

    [Fact]
    public async Task ChangesArePostedAsAForm()
    {
        _influx.Answer(HttpStatusCode.OK, "{\"results\":[{\"statement_id\":0}]}");
        using var client = Client(o => { o.ApiVersion = InfluxApiVersion.V2; o.Database = null; o.Bucket = "water"; o.Token = "t0k"; });
        await client.QueryAsync("DROP MEASUREMENT \"m\"", usePost: true);
        var r = Assert.Single(_influx.Requests);
        Assert.Equal(HttpMethod.Post, r.Method);
        Assert.Equal("http://influx.test:8086/prefix/query?db=water&epoch=ms", r.Uri.AbsoluteUri);
        Assert.Equal("q=DROP+MEASUREMENT+%22m%22", r.Body);
        Assert.Equal("Token t0k", r.Authorization);
    }

    [Fact]
    public async Task SeriesComeBackTyped()
    {
        _influx.Answer(HttpStatusCode.OK, """
            {"results":[{"statement_id":0,"series":[{"name":"水位","tags":{"station":"北门"},"columns":["time","mean","n","s","ok","none"],
              "values":[[1700000000000,1.5,3,"x",true,null],[1700000060000,2,4,"y",false,null]]}]}]}
            """);
        using var client = Client();
        var s = Assert.Single((await client.QueryAsync("SELECT …")).Series);
        Assert.Equal("水位", s.Name);
        Assert.Equal("北门", s.Tags["station"]);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000060000), s.TimeAt(1));
        Assert.Equal([1700000000000L, 1.5, 3L, "x", true, null], s.Values[0]);
        Assert.Equal(2.0, s.NumberAt(1, "mean"));
        Assert.Equal(4.0, s.NumberAt(1, "n"));
        Assert.Null(s.NumberAt(1, "s"));
        Assert.Equal(-1, s.ColumnIndex("missing"));
    }

    [Theory]
    [InlineData(400, "{\"error\":\"error parsing query: found SELEKT\"}", "error parsing query: found SELEKT")]
    [InlineData(200, "{\"results\":[{\"statement_id\":0,\"error\":\"database not found: x\"}]}", "statement 0 failed: database not found: x")]
    [InlineData(401, "{\"error\":\"authorization failed\"}", "HTTP 401): authorization failed")]
    [InlineData(401, "{\"code\":\"unauthorized\",\"message\":\"unauthorized access\"}", "unauthorized access")]
    [InlineData(502, "<html>bad gateway</html>", "not JSON")]
    public async Task ErrorsSayWhatInfluxSaid(int status, string body, string expected)
    {
        _influx.Answer((HttpStatusCode)status, body);
        using var client = Client();
        var ex = await Assert.ThrowsAsync<InfluxQueryException>(() => client.QueryAsync("SELECT 1"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(status, ex.StatusCode);
    }

    [Fact]
    public void IdentifiersAndStringsAreQuotedForInfluxQl()
    {
        Assert.Equal("\"a \\\"b\\\" \\\\ c\"", InfluxQueryClient.QuoteIdentifier("a \"b\" \\ c"));
        Assert.Equal("'it\\'s \\\\ 北'", InfluxQueryClient.QuoteString("it's \\ 北"));
    }
}
