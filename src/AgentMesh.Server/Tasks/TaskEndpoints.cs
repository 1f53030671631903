using System.Diagnostics;
using AgentMesh.Audit;
using AgentMesh.Engine;
using AgentMesh.Server.Audit;
using AgentMesh.Server.Cluster;
using AgentMesh.Server.Http;
using AgentMesh.Server.Security;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentMesh.Server.Tasks;

internal static partial class TaskEndpoints
{
    public const int MaxBatch = 1000;

    public static void MapTasks(this RouteGroupBuilder tenant)
    {
        var tasks = tenant.MapGroup("/tasks").WithTags("Tasks");
        tasks.MapPost("/", SubmitAsync).RequireAccess(Access.Submit).Accepts<TaskSubmission>("application/json");
        tenant.MapPost("/tasks:batch", SubmitBatchAsync).WithTags("Tasks").RequireAccess(Access.Submit).Accepts<BatchSubmitRequest>("application/json");
        tasks.MapGet("/", ListAsync).RequireAccess(Access.Read).AuditReads(DataClassification.Confidential).WithMetadata(ServedByFollowers.Instance);
        tasks.MapGet("/{taskId}", GetAsync).RequireAccess(Access.Read).AuditReads(DataClassification.Confidential).WithMetadata(ServedByFollowers.Instance);
        tasks.MapPost("/{taskId}/cancel", CancelAsync).RequireAccess(Access.Submit);
        tasks.MapPost("/{taskId}/retry", RetryAsync).RequireAccess(Access.Operate);
        tasks.MapPost("/{taskId}/approve", (string tenant, string taskId, HttpContext http, MeshEngine engine, CancellationToken ct) => ApproveAsync(tenant, taskId, true, http, engine, ct)).RequireAccess(Access.Operate);
        tasks.MapPost("/{taskId}/reject", (string tenant, string taskId, HttpContext http, MeshEngine engine, CancellationToken ct) => ApproveAsync(tenant, taskId, false, http, engine, ct)).RequireAccess(Access.Operate);

        var results = tasks.MapGroup("/{taskId}").RequireAccess(Access.AgentProtocol);
        results.MapPost("/complete", CompleteAsync).Accepts<CompleteRequest>("application/json");
        results.MapPost("/fail", FailAsync).Accepts<FailRequest>("application/json");
        results.MapPost("/progress", ProgressAsync).Accepts<ProgressRequest>("application/json");
        results.MapPost("/decline", DeclineAsync).Accepts<DeclineRequest>("application/json");
    }

    private static async Task<IResult> SubmitAsync(string tenant, HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http, ServerJsonContext.Default.TaskSubmission);
        if (problem is not null)
        {
            return problem;
        }

        var submitted = await engine.SubmitAsync(tenant, body!, Activity.Current?.Id, cancellationToken);
        if (!submitted.IsSuccess)
        {
            return Problems.From(http, submitted.Error!);
        }

        var (task, created) = submitted.Value!;
        return created ? TypedResults.Created($"/v1/tenants/{tenant}/tasks/{task.Id}", task) : TypedResults.Ok(task);
    }

    private static async Task<IResult> SubmitBatchAsync(string tenant, HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http, ServerJsonContext.Default.BatchSubmitRequest);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Tasks is not { Count: > 0 and <= MaxBatch } submissions)
        {
            return Problems.Invalid(http, "tasks", $"must have 1 to {MaxBatch} entries.");
        }

        var submitted = await engine.SubmitBatchAsync(tenant, submissions, Activity.Current?.Id, cancellationToken);
        if (!submitted.IsSuccess)
        {
            return Problems.From(http, submitted.Error!);
        }

        var page = new ItemsPage<MeshTask>([.. submitted.Value!.Select(static r => r.Task)]);
        return submitted.Value!.Any(static r => r.Created)
            ? TypedResults.Json(page, ServerJsonContext.Default.ItemsPageMeshTask, statusCode: StatusCodes.Status201Created)
            : TypedResults.Ok(page);
    }

    private static async Task<Results<Ok<MeshTask>, ProblemHttpResult>> GetAsync(string tenant, string taskId, HttpContext http, NodeReads reads, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(taskId, out var id))
        {
            return Problems.From(http, Validation.MeshError.TaskNotFound(taskId));
        }

        if (await reads.GetTenantAsync(http, tenant) is null)
        {
            return Problems.TenantNotFound(http, tenant);
        }

        var task = await reads.GetTaskAsync(http, tenant, id, cancellationToken);
        return task is null ? Problems.From(http, Validation.MeshError.TaskNotFound(id)) : TypedResults.Ok(task);
    }

    private static async Task<Results<Ok<ItemsPage<MeshTask>>, ProblemHttpResult>> ListAsync(
        string tenant,
        HttpContext http,
        NodeReads reads,
        CancellationToken cancellationToken,
        string? status = null,
        string? type = null,
        string? agent = null,
        string? correlationId = null,
        string? parentTaskId = null,
        int? limit = null,
        string? cursor = null)
    {
        var errors = new Validation.FieldErrors();
        MeshTaskStatus? wanted = null;
        if (status is not null)
        {
            if (MeshTaskStatusExtensions.TryParseWire(status, out var parsed))
            {
                wanted = parsed;
            }
            else
            {
                errors.Add("status", "must be one of pending, awaiting_approval, queued, running, succeeded, failed, cancelled, expired, dead_lettered.");
            }
        }

        if (limit is < 1 or > 1000)
        {
            errors.Add("limit", "must be between 1 and 1000.");
        }

        Guid? after = null;
        if (cursor is not null)
        {
            if (Guid.TryParse(cursor, out var parsedCursor))
            {
                after = parsedCursor;
            }
            else
            {
                errors.Add("cursor", "is not a cursor this API returned.");
            }
        }

        Guid? parent = null;
        if (parentTaskId is not null)
        {
            if (Guid.TryParse(parentTaskId, out var parsedParent))
            {
                parent = parsedParent;
            }
            else
            {
                errors.Add("parentTaskId", "must be a task id.");
            }
        }

        if (!errors.IsEmpty)
        {
            return Problems.From(http, Validation.MeshError.Invalid(errors));
        }

        var page = await reads.ListTasksAsync(
            http,
            new TaskQuery { Tenant = tenant, Status = wanted, Type = type, AgentId = agent, CorrelationId = correlationId, ParentTaskId = parent, Limit = limit ?? 100, Cursor = after },
            cancellationToken);
        return page.IsSuccess
            ? TypedResults.Ok(new ItemsPage<MeshTask>(page.Value!.Items, page.Value.NextCursor?.ToString()))
            : Problems.From(http, page.Error!);
    }

    private static async Task<IResult> CancelAsync(string tenant, string taskId, HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http, ServerJsonContext.Default.ReasonRequest, optional: true);
        if (problem is not null)
        {
            return problem;
        }

        return !Guid.TryParse(taskId, out var id)
            ? Problems.From(http, Validation.MeshError.TaskNotFound(taskId))
            : Answer(http, await engine.CancelAsync(tenant, id, body?.Reason, cancellationToken));
    }

    private static async Task<IResult> RetryAsync(string tenant, string taskId, HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        if (!engine.TenantExists(tenant))
        {
            return Problems.TenantNotFound(http, tenant);
        }

        return !Guid.TryParse(taskId, out var id)
            ? Problems.From(http, Validation.MeshError.TaskNotFound(taskId))
            : Answer(http, await engine.RetryAsync(tenant, id, cancellationToken));
    }

    private static async Task<IResult> ApproveAsync(string tenant, string taskId, bool approve, HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http, ServerJsonContext.Default.ReasonRequest, optional: true);
        if (problem is not null)
        {
            return problem;
        }

        return !Guid.TryParse(taskId, out var id)
            ? Problems.From(http, Validation.MeshError.TaskNotFound(taskId))
            : Answer(http, await engine.ApproveAsync(tenant, id, approve, body?.Reason, cancellationToken));
    }

    private static IResult Answer(HttpContext http, Validation.MeshResult<MeshTask> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value!) : Problems.From(http, result.Error!);
}
