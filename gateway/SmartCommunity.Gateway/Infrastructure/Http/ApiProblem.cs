using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace SmartCommunity.Gateway.Infrastructure.Http;

/// <summary>
/// The one error body of the API: RFC 9457 problem details (<c>application/problem+json</c>) with a stable
/// <see cref="Code"/> extension that clients translate (the dashboard shows it in the viewer's language) and
/// <see cref="Errors"/> per field, in the shape ASP.NET's own validation problems use. <see cref="Detail"/> is
/// English for logs and integrators. Answers ASP.NET writes itself (a bare 404, a body that is not JSON) get
/// the same shape from <see cref="ApiProblemSetup"/>.
/// </summary>
public sealed record ApiProblem(
    [property: JsonPropertyOrder(0)] string Type,
    [property: JsonPropertyOrder(1)] string Title,
    [property: JsonPropertyOrder(2)] int Status,
    [property: JsonPropertyOrder(3)] string Detail,
    [property: JsonPropertyOrder(4)] string Code,
    [property: JsonPropertyOrder(5)] IReadOnlyDictionary<string, string[]>? Errors = null)
{
    /// <summary>RFC 9457 §3.1.1: a URI naming the problem type; a URN, so it needs no network to be stable.</summary>
    public static string TypeFor(string code) => "urn:smartcommunity:problem:" + code;

    public static ApiProblem Of(int status, string code, string detail, IReadOnlyDictionary<string, string>? errors = null) =>
        new(TypeFor(code), ReasonPhrases.GetReasonPhrase(status), status, detail, code,
            errors?.ToDictionary(e => e.Key, e => new[] { e.Value }, StringComparer.Ordinal));

    public static BadRequest<ApiProblem> BadRequest(string code, string detail, IReadOnlyDictionary<string, string>? errors = null) =>
        TypedResults.BadRequest(Of(StatusCodes.Status400BadRequest, code, detail, errors));

    public static Conflict<ApiProblem> Conflict(string code, string detail) =>
        TypedResults.Conflict(Of(StatusCodes.Status409Conflict, code, detail));

    public static NotFound<ApiProblem> NotFound(string code, string detail) =>
        TypedResults.NotFound(Of(StatusCodes.Status404NotFound, code, detail));
}
