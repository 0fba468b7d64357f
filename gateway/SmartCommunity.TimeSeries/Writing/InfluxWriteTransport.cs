using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using SmartCommunity.TimeSeries.Points;

namespace SmartCommunity.TimeSeries.Writing;

/// <summary>One write request: URL, auth, optional gzip, timeout, and the classified answer. No retries here.</summary>
internal sealed class InfluxWriteTransport : IDisposable
{
    private static readonly MediaTypeHeaderValue PlainText = new("text/plain") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly InfluxOptions _options;
    private readonly TimeProvider _time;
    private readonly Uri _writeUri;
    private readonly AuthenticationHeaderValue? _auth;
    private readonly MemoryStream _gzipBuffer = new();

    public InfluxWriteTransport(HttpClient http, InfluxOptions options, TimeProvider time)
    {
        _http = http;
        _options = options;
        _time = time;
        _writeUri = BuildWriteUri(options);
        _auth = BuildAuth(options);
    }

    /// <summary>The write address without credentials, for logs.</summary>
    public string Endpoint => _writeUri.GetLeftPart(UriPartial.Path);

    public async Task<WriteOutcome> SendAsync(byte[] body, int length, int lines, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _writeUri);
        if (_options.UseGzip)
        {
            _gzipBuffer.SetLength(0);
            using (var gzip = new GZipStream(_gzipBuffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(body, 0, length);
            }

            request.Content = new ByteArrayContent(_gzipBuffer.GetBuffer(), 0, (int)_gzipBuffer.Length);
            request.Content.Headers.ContentEncoding.Add("gzip");
        }
        else
        {
            request.Content = new ByteArrayContent(body, 0, length);
        }

        request.Content.Headers.ContentType = PlainText;
        request.Headers.Authorization = _auth;

        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
            var text = response.StatusCode == HttpStatusCode.NoContent ? "" : await response.Content.ReadAsStringAsync(linked.Token);
            return WriteResponseClassifier.Classify(response.StatusCode, text, lines, RetryAfter(response));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new WriteOutcome(WriteStatus.Retryable, 0, $"No answer from {Endpoint} within {_options.RequestTimeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException ex)
        {
            // The message names the host and the socket error ("Connection refused (127.0.0.1:8086)"), never the query string.
            return new WriteOutcome(WriteStatus.Retryable, 0, $"{Endpoint}: {ex.Message}");
        }
    }

    public void Dispose() => _gzipBuffer.Dispose();

    internal static Uri BuildWriteUri(InfluxOptions options)
    {
        var query = new StringBuilder();
        string path;
        if (options.ApiVersion == InfluxApiVersion.V1)
        {
            path = "write";
            Append(query, "db", options.Database);
            Append(query, "rp", options.RetentionPolicy);
            if (options.V1Credentials == V1CredentialMode.QueryString)
            {
                Append(query, "u", options.Username);
                Append(query, "p", options.Password);
            }
        }
        else
        {
            path = "api/v2/write";
            Append(query, "org", options.Organization);
            Append(query, "bucket", options.Bucket);
        }

        Append(query, "precision", PrecisionParameter(options.ApiVersion, options.Precision));
        return new Uri(BaseWithSlash(options.ServerUrl!), path + "?" + query);
    }

    internal static Uri BaseWithSlash(Uri server) =>
        server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");

    internal static AuthenticationHeaderValue? BuildAuth(InfluxOptions options)
    {
        if (options.ApiVersion == InfluxApiVersion.V2)
        {
            return string.IsNullOrEmpty(options.Token) ? null : new AuthenticationHeaderValue("Token", options.Token);
        }

        if (options.V1Credentials == V1CredentialMode.BasicAuth && !string.IsNullOrEmpty(options.Username))
        {
            var raw = Encoding.UTF8.GetBytes(options.Username + ":" + options.Password);
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(raw));
        }

        return null;
    }

    /// <summary>1.x: <c>n|u|ms|s</c>; 2.x/3.x: <c>ns|us|ms|s</c> (the API references of each).</summary>
    internal static string PrecisionParameter(InfluxApiVersion version, WritePrecision precision) => precision switch
    {
        WritePrecision.Nanoseconds => version == InfluxApiVersion.V1 ? "n" : "ns",
        WritePrecision.Microseconds => version == InfluxApiVersion.V1 ? "u" : "us",
        WritePrecision.Milliseconds => "ms",
        _ => "s",
    };

    private static void Append(StringBuilder query, string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (query.Length > 0)
        {
            query.Append('&');
        }

        query.Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return null;
    }
}
