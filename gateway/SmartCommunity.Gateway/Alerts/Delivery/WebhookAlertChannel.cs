using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Alerts.Engine;

namespace SmartCommunity.Gateway.Alerts.Delivery;

/// <summary>
/// POSTs <see cref="WebhookPayload"/> as JSON to the person's <c>WebhookUrl</c> (an IM robot, a paging service).
/// Any 2xx is delivered; other answers and network errors are retried with exponential backoff and jitter up to
/// <see cref="WebhookOptions.Attempts"/>; each failed attempt is recorded in the history as <c>retrying</c>.
/// </summary>
internal sealed class WebhookAlertChannel(IHttpClientFactory clients, TimeProvider time, IOptions<AlertsOptions> options) : IAlertChannel
{
    public const string ClientName = "alerts-webhook";

    private readonly WebhookOptions _options = options.Value.Webhooks;

    public string Name => "webhook";

    public int Concurrency => _options.Concurrency;

    public bool Reaches(AlertNotification notification) =>
        Uri.TryCreate(notification.Person.WebhookUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    public async Task<(string Outcome, string? Detail)> DeliverAsync(AlertNotification notification, Action<string, string?> report, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ClientName);
        var body = new WebhookPayload(notification.Id, notification.Person.Id, notification.Reason, notification.Alert);
        string detail = "";
        for (var attempt = 1; attempt <= _options.Attempts; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.Timeout);
            try
            {
                using var response = await client.PostAsJsonAsync(notification.Person.WebhookUrl, body, AlertsJsonContext.Default.WebhookPayload, timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return ("delivered", attempt == 1 ? null : $"attempt {attempt}");
                }

                detail = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException ex)
            {
                detail = ex.HttpRequestError.ToString();
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                detail = "timeout";
            }

            if (attempt < _options.Attempts)
            {
                report("retrying", $"attempt {attempt}: {detail}");
                await Task.Delay(Backoff(attempt), time, cancellationToken).ConfigureAwait(false);
            }
        }

        return ("failed", $"gave up after {_options.Attempts} attempts: {detail}");
    }

    private TimeSpan Backoff(int attempt)
    {
        var raw = _options.InitialBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1);
        // ±20 % jitter so many failing hooks do not retry in lockstep.
#pragma warning disable CA5394 // Jitter, not security.
        var jittered = Math.Min(raw, _options.MaxBackoff.TotalMilliseconds) * (0.8 + (Random.Shared.NextDouble() * 0.4));
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(jittered);
    }
}
