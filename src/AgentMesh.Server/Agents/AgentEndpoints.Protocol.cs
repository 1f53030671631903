using System.Diagnostics;
using AgentMesh.Engine;
using AgentMesh.Server.Http;
using AgentMesh.Server.Security;
using AgentMesh.Tasks;
using AgentMesh.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentMesh.Server.Agents;

internal static partial class AgentEndpoints
{
    private static async Task<Results<Ok<PollResponse>, ProblemHttpResult>> PollAsync(string tenant, string agentId, HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http, ServerJsonContext.Default.PollRequest, optional: true);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        if (body?.Max is < 1 or > 100)
        {
            errors.Add("max", "must be between 1 and 100.");
        }

        if (body?.WaitSeconds is < 0 or > 30)
        {
            errors.Add("waitSeconds", "must be between 0 and 30.");
        }

        if (!errors.IsEmpty)
        {
            return Problems.From(http, MeshError.Invalid(errors));
        }

        var polled = await engine.PollAsync(tenant, agentId, body?.Max ?? 1, body?.WaitSeconds ?? 20, cancellationToken);
        return polled.IsSuccess
            ? TypedResults.Ok(new PollResponse(polled.Value!.Assignments, polled.Value.Cancellations, []))
            : Problems.From(http, polled.Error!);
    }

    private static async Task<Results<Ok<HeartbeatResponse>, ProblemHttpResult>> HeartbeatAsync(string tenant, string agentId, HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http, ServerJsonContext.Default.HeartbeatRequest, optional: true);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        if (body?.Load is { } load && !(load is >= 0 and <= 1))
        {
            errors.Add("load", "must be a number from 0 to 1.");
        }

        var leases = body?.Leases ?? [];
        if (leases.Count > 10_000)
        {
            errors.Add("leases", "must have at most 10000 entries.");
        }

        for (var i = 0; i < leases.Count; i++)
        {
            if (leases[i]?.TaskId is null)
            {
                errors.Add($"leases[{i}].taskId", "is required.");
            }

            if (string.IsNullOrEmpty(leases[i]?.LeaseToken))
            {
                errors.Add($"leases[{i}].leaseToken", "is required.");
            }
        }

        if (!errors.IsEmpty)
        {
            return Problems.From(http, MeshError.Invalid(errors));
        }

        var beat = await engine.HeartbeatAsync(tenant, agentId, [.. leases.Select(static l => new LeaseRef(l.TaskId!.Value, l.LeaseToken!))], cancellationToken);
        return beat.IsSuccess
            ? TypedResults.Ok(new HeartbeatResponse(beat.Value!.Leases, beat.Value.Lost, beat.Value.Cancellations))
            : Problems.From(http, beat.Error!);
    }

    private static async Task<Results<Ok<ResultsResponse>, ProblemHttpResult>> ResultsAsync(string tenant, string agentId, HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http, ServerJsonContext.Default.ResultsRequest);
        if (problem is not null)
        {
            return problem;
        }

        var items = body!.Results;
        if (items is null || items.Count == 0 || items.Count > 1000)
        {
            return Problems.Invalid(http, "results", "must have 1 to 1000 entries.");
        }

        var errors = new FieldErrors();
        var reports = new TaskReport[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            if (ToReport(items[i], $"results[{i}]", errors) is { } report)
            {
                reports[i] = report with { TraceParent = items[i]!.Traceparent, Usage = ToUsage(items[i]!, $"results[{i}]", errors) };
            }
        }

        if (!errors.IsEmpty)
        {
            return Problems.From(http, MeshError.Invalid(errors));
        }

        // Results for an agent that does not exist are a 404 of the whole call, not one per item.
        var agent = engine.GetAgent(tenant, agentId);
        if (!agent.IsSuccess)
        {
            return Problems.From(http, agent.Error!);
        }

        var outcomes = await engine.ReportManyAsync(tenant, agentId, reports, cancellationToken);
        var answer = new ResultOutcome[outcomes.Count];
        for (var i = 0; i < outcomes.Count; i++)
        {
            var outcome = outcomes[i];
            answer[i] = outcome.IsSuccess
                ? new ResultOutcome(reports[i].TaskId, StatusCodes.Status200OK, null, outcome.Value!.Status)
                : new ResultOutcome(reports[i].TaskId, Problems.StatusFor(outcome.Error!), outcome.Error!.Code, null);
        }

        return TypedResults.Ok(new ResultsResponse(answer));
    }

    /// <summary>Token usage may come with a success or a failure: counts from 0 to 10^12.</summary>
    private static TokenUsage? ToUsage(ResultItem item, string at, FieldErrors errors)
    {
        if (item.Usage is not { } usage)
        {
            return null;
        }

        const long Most = 1_000_000_000_000;
        if (item.Outcome is not ("succeeded" or "failed"))
        {
            errors.Add($"{at}.usage", "may only come with a succeeded or failed result.");
        }
        else if (usage.InputTokens is not (>= 0 and <= Most))
        {
            errors.Add($"{at}.usage.inputTokens", "is required: a whole number from 0 to 10^12.");
        }
        else if (usage.OutputTokens is not (>= 0 and <= Most))
        {
            errors.Add($"{at}.usage.outputTokens", "is required: a whole number from 0 to 10^12.");
        }
        else
        {
            return new TokenUsage(usage.InputTokens.Value, usage.OutputTokens.Value);
        }

        return null;
    }

    private static TaskReport? ToReport(ResultItem? item, string at, FieldErrors errors)
    {
        if (item is null)
        {
            errors.Add(at, "must be a result object.");
            return null;
        }

        if (item.TaskId is not { } taskId)
        {
            errors.Add($"{at}.taskId", "is required.");
            return null;
        }

        if (string.IsNullOrEmpty(item.LeaseToken))
        {
            errors.Add($"{at}.leaseToken", "is required.");
            return null;
        }

        if (item.Traceparent is { } traceParent && !ActivityContext.TryParse(traceParent, null, out _))
        {
            errors.Add($"{at}.traceparent", "must be a W3C traceparent: 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>.");
            return null;
        }

        switch (item.Outcome)
        {
            case "succeeded":
                return new TaskReport(taskId, item.LeaseToken, ReportKind.Succeeded) { Output = item.Output?.GetRawText() ?? "null" };
            case "failed":
                if (item.Error is null || string.IsNullOrEmpty(item.Error.Code))
                {
                    errors.Add($"{at}.error.code", "is required for a failure.");
                    return null;
                }

                if (item.Error.Code.Length > 128 || item.Error.Message is { Length: > 4000 })
                {
                    errors.Add($"{at}.error", "code must be at most 128 characters and message at most 4000.");
                    return null;
                }

                return new TaskReport(taskId, item.LeaseToken, ReportKind.Failed) { Error = item.Error, Retryable = item.Retryable ?? true };
            case "declined":
                if (item.Reason is { Length: > 1000 })
                {
                    errors.Add($"{at}.reason", "must be at most 1000 characters.");
                    return null;
                }

                return new TaskReport(taskId, item.LeaseToken, ReportKind.Declined) { Reason = item.Reason };
            case "progress":
                if (item.Percent is not (>= 0 and <= 100))
                {
                    errors.Add($"{at}.percent", "is required and must be between 0 and 100.");
                    return null;
                }

                if (item.Message is { Length: > 1000 })
                {
                    errors.Add($"{at}.message", "must be at most 1000 characters.");
                    return null;
                }

                return new TaskReport(taskId, item.LeaseToken, ReportKind.Progress) { Percent = Tasks.TaskEndpoints.ProgressPercent(item.Percent.Value), Message = item.Message };
            default:
                errors.Add($"{at}.outcome", "must be one of succeeded, failed, declined, progress.");
                return null;
        }
    }
}
