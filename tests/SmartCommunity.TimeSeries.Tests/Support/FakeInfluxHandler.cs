using System.IO.Compression;
using System.Net;
using System.Text;

namespace SmartCommunity.TimeSeries.Tests.Support;

/// <summary>Stands in for InfluxDB's HTTP API: records every request and answers with whatever <see cref="Respond"/> says.</summary>
public sealed class FakeInfluxHandler : HttpMessageHandler
{
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<string> _accepted = [];

    /// <summary>Decides the answer; default 204. Throw HttpRequestException to play "connection refused".</summary>
    public Func<RecordedRequest, Task<HttpResponseMessage>> Respond { get; set; } = _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent));

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Lines of every request that was answered 2xx, in order: what a real server would have stored.</summary>
    public IReadOnlyList<string> AcceptedLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _accepted];
            }
        }
    }

    public void Answer(HttpStatusCode status, string body = "") =>
        Respond = _ => Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body) });

    public void Refuse() => Respond = _ => throw new HttpRequestException("Connection refused (127.0.0.1:8086)");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var bytes = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var gzip = request.Content?.Headers.ContentEncoding.Contains("gzip") == true;
        if (gzip)
        {
            using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var output = new MemoryStream();
            await input.CopyToAsync(output, cancellationToken);
            bytes = output.ToArray();
        }

        var recorded = new RecordedRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), request.Content?.Headers.ContentType?.ToString(), gzip, Encoding.UTF8.GetString(bytes));
        lock (_gate)
        {
            _requests.Add(recorded);
        }

        var response = await Respond(recorded);
        if (response.IsSuccessStatusCode)
        {
            lock (_gate)
            {
                _accepted.AddRange(recorded.Lines);
            }
        }

        return response;
    }
}

public sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string? ContentType, bool Gzipped, string Body)
{
    public string[] Lines => Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
