using AgentMesh.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AgentMesh.Server.Http;

/// <summary>RFC 9457 answers with a stable <c>code</c>, the failing fields, and the request id.</summary>
internal static class Problems
{
    public const string TypeBase = "https://agentmesh.dev/problems/";

    public static ProblemHttpResult From(HttpContext http, MeshError error)
    {
        var status = StatusFor(error);
        if (status == StatusCodes.Status429TooManyRequests)
        {
            http.Response.Headers.RetryAfter = "1";
        }

        return Make(http, status, error.Code, error.Detail, error.Errors);
    }

    public static int StatusFor(MeshError error) => error switch
    {
        { Code: "payload_too_large" } => StatusCodes.Status413PayloadTooLarge,
        { Kind: MeshErrorKind.Validation } => StatusCodes.Status400BadRequest,
        { Kind: MeshErrorKind.NotFound } => StatusCodes.Status404NotFound,
        { Kind: MeshErrorKind.Conflict or MeshErrorKind.LeaseConflict } => StatusCodes.Status409Conflict,
        { Kind: MeshErrorKind.Gone } => StatusCodes.Status410Gone,
        { Kind: MeshErrorKind.QuotaExceeded } => StatusCodes.Status422UnprocessableEntity,
        { Kind: MeshErrorKind.Overloaded } => StatusCodes.Status429TooManyRequests,
        { Kind: MeshErrorKind.Forbidden } => StatusCodes.Status403Forbidden,
            _ => StatusCodes.Status400BadRequest,
    };

    public static ProblemHttpResult Make(HttpContext http, int status, string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
    {
        var problem = new ProblemDetails
        {
            Type = TypeBase + code,
            Title = TitleFor(status),
            Status = status,
            Detail = detail,
            Instance = http.Request.Path,
        };
        problem.Extensions["code"] = code;
        problem.Extensions["requestId"] = http.TraceIdentifier;
        if (errors is { Count: > 0 })
        {
            problem.Extensions["errors"] = errors;
        }

        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult Invalid(HttpContext http, string field, string message) => From(http, MeshError.Invalid(field, message));

    public static ProblemHttpResult TenantNotFound(HttpContext http, string tenant) => From(http, MeshError.TenantNotFound(tenant));

    private static string TitleFor(int status) => status switch
    {
        400 => "The request is not valid.",
        401 => "Authentication is required.",
        403 => "The credential does not allow this.",
        404 => "Not found.",
        409 => "The request conflicts with the current state.",
        413 => "The payload is too large.",
        415 => "The media type is not supported.",
        422 => "A quota would be exceeded.",
        429 => "Too many requests.",
        503 => "The service is unavailable.",
        _ => "The request failed.",
    };
}
