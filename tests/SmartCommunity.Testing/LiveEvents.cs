using System.Text.Json;

namespace SmartCommunity.Testing;

/// <summary>
/// A client of the gateway's server-sent events (<c>/api/live</c>), as a dashboard holds it: opened once the server
/// has said <c>event: ready</c>, then read one <c>data:</c> line at a time. Keep-alive comments and the empty
/// <c>data: {}</c> heartbeat are skipped, so a test waits for what it expects, within its own deadline.
/// </summary>
public sealed class LiveEvents : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private LiveEvents(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    /// <summary>The response's media type (<c>text/event-stream</c> from the gateway).</summary>
    public string? MediaType => _response.Content.Headers.ContentType?.MediaType;

    /// <summary>Opens <paramref name="path"/> with <paramref name="client"/> (signed in as it needs) and waits for <c>event: ready</c>.</summary>
    public static async Task<LiveEvents> OpenAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        try
        {
            response.EnsureSuccessStatusCode();
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            var first = await reader.ReadLineAsync(cancellationToken);
            if (first != "event: ready")
            {
                reader.Dispose();
                throw new InvalidOperationException($"The live stream {path} began with '{first}', not 'event: ready'.");
            }

            return new LiveEvents(response, reader);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>The next event's data, parsed; throws when the stream ends first or <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task<JsonElement> NextAsync(CancellationToken cancellationToken)
    {
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal) && line != "data: {}")
            {
                using var document = JsonDocument.Parse(line["data: ".Length..]);
                return document.RootElement.Clone();
            }
        }

        throw new EndOfStreamException("The live stream ended before the next event.");
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
