using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Alerts.Engine;
using SmartCommunity.Resilience;

namespace SmartCommunity.Gateway.Alerts.Delivery;

/// <summary>
/// POSTs <see cref="WebhookPayload"/> as JSON to the person's <c>WebhookUrl</c> (an IM robot, a paging service).
/// Any 2xx is delivered; other answers and network errors are retried with the project's <see cref="Backoff"/> up to
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
        var attempts = 0;
        var retry = Retry.Pipeline<string?>(new Backoff(_options.InitialBackoff, _options.MaxBackoff), _options.Attempts,
            retryOn: outcome => outcome.Result is not null, time,
            onRetry: (attempt, outcome, _) => report("retrying", $"attempt {attempt}: {outcome.Result}"));
        // An attempt answers null when delivered, else why it failed (it never throws but for the caller's cancellation).
        var failure = await retry.ExecuteAsync(async token =>
        {
            attempts++;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(_options.Timeout);
            try
            {
                using var response = await client.PostAsJsonAsync(notification.Person.WebhookUrl, body, AlertsJsonContext.Default.WebhookPayload, timeout.Token).ConfigureAwait(false);
                return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException ex)
            {
                return ex.HttpRequestError.ToString();
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                return "timeout";
            }
        }, cancellationToken).ConfigureAwait(false);

        return failure is null
            ? ("delivered", attempts == 1 ? null : $"attempt {attempts}")
            : ("failed", $"gave up after {attempts} attempts: {failure}");
    }
}
