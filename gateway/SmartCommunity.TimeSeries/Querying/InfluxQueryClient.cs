using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.TimeSeries.Querying;

/// <summary>
/// InfluxQL over <c>/query</c> (1.x, and the 1.x-compatible endpoint of 2.x/3.x), with <c>epoch=ms</c> so times
/// come back as integers. GET for reads; POST for statements that change things (CREATE, DROP, …), as the API asks.
/// </summary>
public sealed class InfluxQueryClient : IDisposable
{
    private readonly InfluxOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeProvider _time;
    private readonly AuthenticationHeaderValue? _auth;
    private readonly Uri _queryUri;

    public InfluxQueryClient(InfluxOptions options, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ServerUrl is null)
        {
            throw new ArgumentException("InfluxOptions.ServerUrl is required.", nameof(options));
        }

        _options = options;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        _time = timeProvider ?? TimeProvider.System;
        _auth = InfluxWriteTransport.BuildAuth(options);
        _queryUri = new Uri(InfluxWriteTransport.BaseWithSlash(options.ServerUrl), "query");
    }

    /// <summary>Runs one or more InfluxQL statements against the configured database; throws <see cref="InfluxQueryException"/> on any error.</summary>
    public async Task<InfluxQueryResult> QueryAsync(string influxQl, bool usePost = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(influxQl);
        var parameters = new List<KeyValuePair<string, string>>();
        var database = _options.ApiVersion == InfluxApiVersion.V1 ? _options.Database : _options.Bucket;
        if (!string.IsNullOrEmpty(database))
        {
            parameters.Add(new("db", database));
        }

        if (!string.IsNullOrEmpty(_options.RetentionPolicy))
        {
            parameters.Add(new("rp", _options.RetentionPolicy));
        }

        if (_options.ApiVersion == InfluxApiVersion.V1 && _options.V1Credentials == V1CredentialMode.QueryString && !string.IsNullOrEmpty(_options.Username))
        {
            parameters.Add(new("u", _options.Username));
            parameters.Add(new("p", _options.Password ?? ""));
        }

        parameters.Add(new("epoch", "ms"));
        using var request = usePost ? Post(parameters, influxQl) : Get(parameters, influxQl);
        request.Headers.Authorization = _auth;

        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        string body;
        int status;
        try
        {
            using var response = await _http.SendAsync(request, linked.Token);
            status = (int)response.StatusCode;
            body = await response.Content.ReadAsStringAsync(linked.Token);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new InfluxQueryException($"InfluxDB at {_queryUri} did not answer within {_options.RequestTimeout.TotalSeconds:0.#} s.", null, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new InfluxQueryException($"InfluxDB at {_queryUri} is unreachable: {ex.Message}", null, ex);
        }

        return Parse(status, body);
    }

    /// <summary>An InfluxQL identifier in double quotes (measurement, tag key, field key).</summary>
    public static string QuoteIdentifier(string name) =>
        "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>An InfluxQL string literal in single quotes (tag values).</summary>
    public static string QuoteString(string value) =>
        "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    internal static InfluxQueryResult Parse(int status, string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(string.IsNullOrWhiteSpace(body) ? "{}" : body);
        }
        catch (JsonException ex)
        {
            throw new InfluxQueryException($"InfluxDB answered HTTP {status} with something that is not JSON: {Trim(body)}", status, ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var topError))
            {
                throw new InfluxQueryException($"InfluxDB query failed (HTTP {status}): {topError.GetString()}", status);
            }

            if (status is < 200 or >= 300)
            {
                var message = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out var m) ? m.GetString() : Trim(body);
                throw new InfluxQueryException($"InfluxDB query failed (HTTP {status}): {message}", status);
            }

            var statements = new List<InfluxStatementResult>();
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("results", out var results))
            {
                return new InfluxQueryResult(statements);
            }

            foreach (var result in results.EnumerateArray())
            {
                var id = result.TryGetProperty("statement_id", out var sid) ? sid.GetInt32() : statements.Count;
                if (result.TryGetProperty("error", out var error))
                {
                    throw new InfluxQueryException($"InfluxDB statement {id} failed: {error.GetString()}", status);
                }

                var series = new List<InfluxSeries>();
                if (result.TryGetProperty("series", out var seriesArray))
                {
                    foreach (var s in seriesArray.EnumerateArray())
                    {
                        series.Add(ParseSeries(s));
                    }
                }

                statements.Add(new InfluxStatementResult(id, series));
            }

            return new InfluxQueryResult(statements);
        }
    }

    private static InfluxSeries ParseSeries(JsonElement s)
    {
        var name = s.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (s.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in t.EnumerateObject())
            {
                tags[p.Name] = p.Value.GetString() ?? "";
            }
        }

        var columns = new List<string>();
        if (s.TryGetProperty("columns", out var c))
        {
            foreach (var col in c.EnumerateArray())
            {
                columns.Add(col.GetString() ?? "");
            }
        }

        var rows = new List<IReadOnlyList<object?>>();
        if (s.TryGetProperty("values", out var v))
        {
            foreach (var row in v.EnumerateArray())
            {
                var cells = new object?[row.GetArrayLength()];
                var i = 0;
                foreach (var cell in row.EnumerateArray())
                {
                    cells[i++] = cell.ValueKind switch
                    {
                        JsonValueKind.Number => cell.TryGetInt64(out var l) ? (object)l : cell.GetDouble(),
                        JsonValueKind.String => cell.GetString(),
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => null,
                    };
                }

                rows.Add(cells);
            }
        }

        return new InfluxSeries(name, tags, columns, rows);
    }

    private HttpRequestMessage Get(List<KeyValuePair<string, string>> parameters, string influxQl)
    {
        parameters.Add(new("q", influxQl));
        return new HttpRequestMessage(HttpMethod.Get, new Uri(_queryUri, "?" + Encode(parameters)));
    }

    private HttpRequestMessage Post(List<KeyValuePair<string, string>> parameters, string influxQl) =>
        new(HttpMethod.Post, new Uri(_queryUri, "?" + Encode(parameters)))
        {
            Content = new FormUrlEncodedContent([new("q", influxQl)]),
        };

    private static string Encode(List<KeyValuePair<string, string>> parameters)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in parameters)
        {
            if (sb.Length > 0)
            {
                sb.Append('&');
            }

            sb.Append(key).Append('=').Append(Uri.EscapeDataString(value));
        }

        return sb.ToString();
    }

    private static string Trim(string body) => body.Length > 500 ? body[..500] + "…" : body;
}
