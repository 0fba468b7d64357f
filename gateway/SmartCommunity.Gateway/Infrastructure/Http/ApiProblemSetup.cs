using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace SmartCommunity.Gateway.Infrastructure.Http;

/// <summary>
/// Gives every 4xx/5xx the shape of <see cref="ApiProblem"/>: ASP.NET's own answers (status code pages for a
/// bare 404 or 401, the exception handler for a body that does not bind) get a <c>code</c> and a detail that
/// says what was wrong, and JSON error bodies are labelled <c>application/problem+json</c> (RFC 9457 §3).
/// </summary>
public static class ApiProblemSetup
{
    public static IServiceCollection AddApiProblems(this IServiceCollection services)
    {
        // Binding failures throw, so the exception handler can say which part of the body was wrong instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => ConfigureBodies(o.SerializerOptions));
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            var (code, detail) = context.Exception switch
            {
                BadHttpRequestException { InnerException: JsonException json } => ("invalid_body",
                    "The request body does not fit this call" + (json.Path is { Length: > 0 } path ? $": the value at {path} has the wrong type or form." : ".")),
                BadHttpRequestException bad => (bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "too_large" : "invalid_request", bad.Message),
                _ => (CodeFor(status), DetailFor(status)),
            };
            problem.Type = ApiProblem.TypeFor(code);
            problem.Detail ??= detail;
            problem.Extensions["code"] = code;
            problem.Extensions.Remove("traceId"); // Not part of the documented shape; the request is in the log.
        });
        return services;
    }

    /// <summary>
    /// How API bodies are read, on top of ASP.NET's web defaults: one place, so the in-process fuzz targets of the
    /// bodies (issue 19) read them exactly as the endpoints do.
    /// </summary>
    public static void ConfigureBodies(JsonSerializerOptions options) => options.Converters.Add(new StoredTextConverter());

    /// <summary>Labels JSON error bodies as problem details; every error body this API writes is an <see cref="ApiProblem"/>.</summary>
    public static IApplicationBuilder UseApiProblemContentType(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            var response = ((HttpContext)state).Response;
            if (response.StatusCode >= 400 && response.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
            {
                response.ContentType = "application/problem+json; charset=utf-8";
            }

            return Task.CompletedTask;
        }, context);
        return next(context);
    });

    private static string CodeFor(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        413 => "too_large",
        415 => "unsupported_media_type",
        429 => "too_many_requests",
        >= 500 => "internal_error",
        _ => "error",
    };

    private static string DetailFor(int status) => status switch
    {
        401 => "Sign in first (session cookie or bearer token), or the session has ended.",
        403 => "Your role may not do this.",
        404 => "There is nothing at this address, or it is not visible to you.",
        405 => "This address does not take this method.",
        415 => "Send the body as application/json.",
        429 => "Too many requests; wait a moment and try again.",
        >= 500 => "The gateway failed on this request; it is in the gateway's log.",
        _ => "The request was refused.",
    };
}
