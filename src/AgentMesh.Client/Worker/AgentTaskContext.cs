using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Client.Worker;

/// <summary>One task handed to an <see cref="IAgentHandler"/>: its input, its cancellation, progress, and the client.</summary>
public sealed class AgentTaskContext
{
    private readonly HeldTask _held;

    internal AgentTaskContext(HeldTask held, string tenant, string agentId, AgentMeshClient client, ILogger logger)
    {
        _held = held;
        Tenant = tenant;
        AgentId = agentId;
        Client = client;
        Logger = logger;
    }

    /// <summary>Task id.</summary>
    public string TaskId => _held.Assignment.TaskId;

    /// <summary>Attempt number, 1 for the first.</summary>
    public int Attempt => _held.Assignment.Attempt;

    /// <summary>Task type.</summary>
    public string Type => _held.Assignment.Type;

    /// <summary>Input JSON.</summary>
    public JsonElement Input => _held.Assignment.Input;

    /// <summary>1–5, 5 most urgent.</summary>
    public int Priority => _held.Assignment.Priority;

    /// <summary>Absolute deadline, if any.</summary>
    public DateTimeOffset? Deadline => _held.Assignment.Deadline;

    /// <summary>Capabilities the task needs.</summary>
    public IReadOnlyList<Requirement> Requirements => _held.Assignment.Requirements;

    /// <summary>The tenant.</summary>
    public string Tenant { get; }

    /// <summary>The agent running the task.</summary>
    public string AgentId { get; }

    /// <summary>Fires when the task is cancelled, its lease is lost, or the worker stops after its shutdown timeout.</summary>
    public CancellationToken CancellationToken => _held.Token;

    /// <summary>Logger of the agent's handler.</summary>
    public ILogger Logger { get; }

    /// <summary>The client the worker uses, for reads and for submitting more work.</summary>
    public AgentMeshClient Client { get; }

    /// <summary>Tokens reported so far by <see cref="ReportTokenUsage"/>; null when none.</summary>
    internal TokenUsage? Usage { get; private set; }

    /// <summary>
    /// Adds the tokens a model call used to this attempt's total; the total goes to the node with the result (success or
    /// failure) and appears in its GenAI token-usage metric. Call it after each model call.
    /// </summary>
    /// <param name="inputTokens">Prompt (input) tokens, 0 or more.</param>
    /// <param name="outputTokens">Completion (output) tokens, 0 or more.</param>
    public void ReportTokenUsage(long inputTokens, long outputTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(outputTokens);
        Usage = Usage is { } sum ? new TokenUsage(sum.InputTokens + inputTokens, sum.OutputTokens + outputTokens) : new TokenUsage(inputTokens, outputTokens);
    }

    /// <summary>
    /// Reports progress. When the node answers that the lease is no longer current, the task's
    /// <see cref="CancellationToken"/> fires instead of an exception.
    /// </summary>
    /// <param name="percent">0–100.</param>
    /// <param name="message">Optional message; none by default.</param>
    /// <param name="cancellationToken">Cancels the call; the task's token when not given.</param>
    public async Task ReportProgressAsync(double percent, string? message = null, CancellationToken cancellationToken = default)
    {
        var token = cancellationToken.CanBeCanceled ? cancellationToken : CancellationToken;
        try
        {
            await Client.ReportProgressAsync(Tenant, TaskId, _held.Assignment.LeaseToken, percent, message, token);
        }
        catch (AgentMeshApiException exception) when (exception.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            WorkerLog.LeaseLost(Logger, AgentId, TaskId);
            _held.Cancel(CancelReason.LeaseLost);
        }
    }

    /// <summary>Submits a child task of this one: its <see cref="TaskSubmission.ParentTaskId"/> is set to <see cref="TaskId"/>.</summary>
    /// <param name="submission">The child task.</param>
    /// <param name="cancellationToken">Cancels the call; the task's token when not given.</param>
    public async Task<MeshTask> SpawnAsync(TaskSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var token = cancellationToken.CanBeCanceled ? cancellationToken : CancellationToken;
        var result = await Client.SubmitTaskAsync(Tenant, submission with { ParentTaskId = TaskId }, token);
        return result.Task;
    }
}
