using Microsoft.AspNetCore.Http.Features;
using SmartCommunity.Gateway.Infrastructure.Metrics;

namespace SmartCommunity.Gateway.Infrastructure.Http;

/// <summary>
/// Limits and counts for the JSON API (issue 19): a body over <see cref="MaxBodyBytes"/> is refused before it is read,
/// and every answer of 400 or more is counted by status in <c>sc_api_errors_total</c>, so a flood of bad requests
/// shows on a dashboard (the stable <c>code</c> is in each answer's body and the log).
/// </summary>
public static class ApiRequestLimits
{
    /// <summary>Largest request body under <c>/api</c> (1 MiB): the biggest real body, a camera with its zones, is a few KB.</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    private static readonly PathString Api = new("/api");

    public static IApplicationBuilder UseApiRequestLimits(this IApplicationBuilder app)
    {
        var metrics = app.ApplicationServices.GetRequiredService<MetricsRegistry>();
        return app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(Api, StringComparison.OrdinalIgnoreCase))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            if (context.Request.ContentLength > MaxBodyBytes)
            {
                // Declared too large: answered without reading a byte of it.
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await TypedResults.Json(ApiProblem.Of(StatusCodes.Status413PayloadTooLarge, "too_large", $"The request body may be at most {MaxBodyBytes} bytes."),
                    statusCode: StatusCodes.Status413PayloadTooLarge, contentType: "application/problem+json").ExecuteAsync(context).ConfigureAwait(false);
                Count(metrics, context.Response.StatusCode);
                return;
            }

            // A chunked body has no length up front: Kestrel stops reading at the limit and the binder answers 413.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxBodyBytes;
            }

            await next(context).ConfigureAwait(false);
            if (context.Response.StatusCode >= 400)
            {
                Count(metrics, context.Response.StatusCode);
            }
        });
    }

    private static void Count(MetricsRegistry metrics, int status) =>
        metrics.Counter("sc_api_errors_total", "API answers of 400 or more, by status (the reason is the body's code).",
            ("status", status.ToString(System.Globalization.CultureInfo.InvariantCulture))).Inc();
}
