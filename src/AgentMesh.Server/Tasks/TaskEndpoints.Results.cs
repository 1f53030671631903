using AgentMesh.Engine;
using AgentMesh.Server.Http;
using AgentMesh.Server.Security;
using AgentMesh.Validation;

namespace AgentMesh.Server.Tasks;

internal static partial class TaskEndpoints
{
    private static async Task<IResult> CompleteAsync(string tenant, string taskId, HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http, ServerJsonContext.Default.CompleteRequest);
        return problem ?? await ReportAsync(tenant, taskId, body!.LeaseToken, id => new TaskReport(id, body.LeaseToken!, ReportKind.Succeeded) { Output = body.Output?.GetRawText() ?? "null" }, http, engine, cancellationToken);
    }

    private static async Task<IResult> FailAsync(string tenant, string taskId, HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http, ServerJsonContext.Default.FailRequest);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Error is null || string.IsNullOrEmpty(body.Error.Code))
        {
            return Problems.Invalid(http, "error.code", "is required.");
        }

        return await ReportAsync(tenant, taskId, body.LeaseToken, id => new TaskReport(id, body.LeaseToken!, ReportKind.Failed) { Error = body.Error, Retryable = body.Retryable ?? true }, http, engine, cancellationToken);
    }

    private static async Task<IResult> ProgressAsync(string tenant, string taskId, HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http, ServerJsonContext.Default.ProgressRequest);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Percent is null)
        {
            return Problems.Invalid(http, "percent", "is required.");
        }

        var result = await ReportAsync(tenant, taskId, body.LeaseToken, id => new TaskReport(id, body.LeaseToken!, ReportKind.Progress) { Percent = ProgressPercent(body.Percent.Value), Message = body.Message }, http, engine, cancellationToken);
        return result is IStatusCodeHttpResult { StatusCode: 200 } ? TypedResults.Ok(new EmptyResponse()) : result;
    }

    /// <summary>Percent may be any JSON number; it is kept as a whole percent (out-of-range values still fail validation).</summary>
    internal static int ProgressPercent(double percent) => double.IsFinite(percent) ? (int)Math.Clamp(Math.Round(percent), -1, 101) : -1;

    private static async Task<IResult> DeclineAsync(string tenant, string taskId, HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http, ServerJsonContext.Default.DeclineRequest);
        return problem ?? await ReportAsync(tenant, taskId, body!.LeaseToken, id => new TaskReport(id, body.LeaseToken!, ReportKind.Declined) { Reason = body.Reason }, http, engine, cancellationToken);
    }

    private static async Task<IResult> ReportAsync(
        string tenant, string taskId, string? leaseToken, Func<Guid, TaskReport> report, HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(leaseToken))
        {
            return Problems.Invalid(http, "leaseToken", "is required.");
        }

        if (!Guid.TryParse(taskId, out var id))
        {
            return Problems.From(http, MeshError.TaskNotFound(taskId));
        }

        var result = await engine.ReportAsync(tenant, Caller.From(http.User)?.AgentId, report(id), cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value!) : Problems.From(http, result.Error!);
    }
}
