using System.Net;
using System.Text.Json;

namespace AgentMesh.Client;

public sealed partial class AgentMeshClient
{
    /// <summary>Submits a task (<c>POST …/tasks</c>).</summary>
    /// <returns>The task, and whether this call created it (201) rather than returned an earlier one with the same idempotency key (200).</returns>
    public async Task<TaskSubmitResult> SubmitTaskAsync(string tenant, TaskSubmission submission, CancellationToken cancellationToken = default)
    {
        EnsureInput(submission);
        var (task, status) = await SendAsync(
            HttpMethod.Post, $"{TenantPath(tenant)}/tasks", Body(submission, Json.TaskSubmission), Json.MeshTask, cancellationToken);
        return new TaskSubmitResult(task, status == HttpStatusCode.Created);
    }

    /// <summary>Submits up to 1000 tasks at once (<c>POST …/tasks:batch</c>); if any is invalid, none is stored.</summary>
    /// <returns>The tasks, in the order submitted.</returns>
    public async Task<IReadOnlyList<MeshTask>> SubmitTasksAsync(
        string tenant, IReadOnlyList<TaskSubmission> submissions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        foreach (var submission in submissions)
        {
            EnsureInput(submission);
        }

        return (await PostAsync($"{TenantPath(tenant)}/tasks:batch", new TaskBatchBody(submissions), Json.TaskBatchBody, Json.PageMeshTask, cancellationToken)).Items;
    }

    /// <summary>Reads a task (<c>GET …/tasks/{id}</c>).</summary>
    public Task<MeshTask> GetTaskAsync(string tenant, string taskId, CancellationToken cancellationToken = default) =>
        GetAsync(TaskPath(tenant, taskId), Json.MeshTask, cancellationToken);

    /// <summary>Lists tasks, newest first, filtered and paged (<c>GET …/tasks</c>).</summary>
    /// <param name="tenant">Tenant id.</param>
    /// <param name="query">Filters and paging; none by default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<Page<MeshTask>> ListTasksAsync(string tenant, TaskQuery? query = null, CancellationToken cancellationToken = default)
    {
        var path = new QueryString($"{TenantPath(tenant)}/tasks")
            .Add("status", query?.Status is { } status ? JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString()) : null)
            .Add("type", query?.Type)
            .Add("agent", query?.Agent)
            .Add("correlationId", query?.CorrelationId)
            .Add("limit", query?.Limit?.ToString())
            .Add("cursor", query?.Cursor);
        return GetAsync(path.ToString(), Json.PageMeshTask, cancellationToken);
    }

    /// <summary>Cancels a task: a queued one at once; a running one is flagged and its agent told.</summary>
    public Task<MeshTask> CancelTaskAsync(string tenant, string taskId, CancellationToken cancellationToken = default) =>
        TaskActionAsync(tenant, taskId, "cancel", cancellationToken);

    /// <summary>Re-queues a dead-lettered or failed task with a fresh attempt budget.</summary>
    public Task<MeshTask> RetryTaskAsync(string tenant, string taskId, CancellationToken cancellationToken = default) =>
        TaskActionAsync(tenant, taskId, "retry", cancellationToken);

    /// <summary>Completes a leased task (<c>POST …/tasks/{id}/complete</c>); 409 <c>lease_conflict</c> when the lease is stale.</summary>
    public Task<MeshTask> CompleteTaskAsync(
        string tenant, string taskId, string leaseToken, JsonElement? output, CancellationToken cancellationToken = default) =>
        PostAsync($"{TaskPath(tenant, taskId)}/complete", new CompleteBody(leaseToken, output), Json.CompleteBody, Json.MeshTask, cancellationToken);

    /// <summary>Fails a leased task (<c>POST …/tasks/{id}/fail</c>).</summary>
    /// <param name="tenant">Tenant id.</param>
    /// <param name="taskId">Task id.</param>
    /// <param name="leaseToken">The lease token of the assignment.</param>
    /// <param name="error">What went wrong.</param>
    /// <param name="retryable">Whether another attempt may succeed; <see langword="true"/> by default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<MeshTask> FailTaskAsync(
        string tenant, string taskId, string leaseToken, TaskError error, bool retryable = true, CancellationToken cancellationToken = default) =>
        PostAsync($"{TaskPath(tenant, taskId)}/fail", new FailBody(leaseToken, error, retryable), Json.FailBody, Json.MeshTask, cancellationToken);

    /// <summary>Reports progress of a leased task (<c>POST …/tasks/{id}/progress</c>).</summary>
    /// <param name="tenant">Tenant id.</param>
    /// <param name="taskId">Task id.</param>
    /// <param name="leaseToken">The lease token of the assignment.</param>
    /// <param name="percent">0–100.</param>
    /// <param name="message">Optional message; none by default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task ReportProgressAsync(
        string tenant, string taskId, string leaseToken, double percent, string? message = null, CancellationToken cancellationToken = default) =>
        SendWithoutBodyAsync(
            HttpMethod.Post, $"{TaskPath(tenant, taskId)}/progress", Body(new ProgressBody(leaseToken, percent, message), Json.ProgressBody), cancellationToken);

    /// <summary>Declines a leased task: it returns to routing with this agent excluded (<c>POST …/tasks/{id}/decline</c>).</summary>
    /// <param name="tenant">Tenant id.</param>
    /// <param name="taskId">Task id.</param>
    /// <param name="leaseToken">The lease token of the assignment.</param>
    /// <param name="reason">Why; none by default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<MeshTask> DeclineTaskAsync(
        string tenant, string taskId, string leaseToken, string? reason = null, CancellationToken cancellationToken = default) =>
        PostAsync($"{TaskPath(tenant, taskId)}/decline", new DeclineBody(leaseToken, reason), Json.DeclineBody, Json.MeshTask, cancellationToken);

    /// <summary>Reads a task's event history, oldest first (<c>GET …/tasks/{id}/events</c>).</summary>
    public async Task<IReadOnlyList<MeshEvent>> GetTaskEventsAsync(string tenant, string taskId, CancellationToken cancellationToken = default) =>
        (await GetAsync($"{TaskPath(tenant, taskId)}/events", Json.PageMeshEvent, cancellationToken)).Items;

    private static void EnsureInput(TaskSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.Input.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException($"Task '{submission.Type}' has no input; pass a JSON value (JSON null for none).", nameof(submission));
        }
    }

    private static string TaskPath(string tenant, string taskId) => $"{TenantPath(tenant)}/tasks/{Escape(taskId)}";

    private async Task<MeshTask> TaskActionAsync(string tenant, string taskId, string action, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Post, $"{TaskPath(tenant, taskId)}/{action}", content: null, Json.MeshTask, cancellationToken)).Body;
}
