using System.Text.Json;
using System.Text.Json.Serialization;
using AgentMesh.Agents;
using AgentMesh.Engine;
using AgentMesh.Events;
using AgentMesh.Tasks;
using AgentMesh.Tenants;
using Microsoft.AspNetCore.Mvc;

namespace AgentMesh.Server.Http;

/// <summary>Source-generated JSON for every request and answer of the API (camelCase, snake_case enums).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict,
    Converters = [
        typeof(SnakeCaseEnumConverter<MeshTaskStatus>),
        typeof(SnakeCaseEnumConverter<AgentStatus>),
        typeof(SnakeCaseEnumConverter<AttemptOutcome>),
        typeof(SnakeCaseEnumConverter<RoutingStrategy>),
        typeof(SnakeCaseEnumConverter<TenantStatus>)])]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
[JsonSerializable(typeof(CreateTenantRequest))]
[JsonSerializable(typeof(Tenant))]
[JsonSerializable(typeof(ItemsPage<Tenant>))]
[JsonSerializable(typeof(CreateKeyRequest))]
[JsonSerializable(typeof(KeyView))]
[JsonSerializable(typeof(CreatedKey))]
[JsonSerializable(typeof(ItemsPage<KeyView>))]
[JsonSerializable(typeof(AgentRegistration))]
[JsonSerializable(typeof(AgentView))]
[JsonSerializable(typeof(ItemsPage<AgentView>))]
[JsonSerializable(typeof(TerminateRequest))]
[JsonSerializable(typeof(PollRequest))]
[JsonSerializable(typeof(PollResponse))]
[JsonSerializable(typeof(HeartbeatRequest))]
[JsonSerializable(typeof(HeartbeatResponse))]
[JsonSerializable(typeof(ResultsRequest))]
[JsonSerializable(typeof(ResultsResponse))]
[JsonSerializable(typeof(TaskSubmission))]
[JsonSerializable(typeof(BatchSubmitRequest))]
[JsonSerializable(typeof(MeshTask))]
[JsonSerializable(typeof(ItemsPage<MeshTask>))]
[JsonSerializable(typeof(CompleteRequest))]
[JsonSerializable(typeof(FailRequest))]
[JsonSerializable(typeof(ProgressRequest))]
[JsonSerializable(typeof(DeclineRequest))]
[JsonSerializable(typeof(ReasonRequest))]
[JsonSerializable(typeof(EraseSubjectRequest))]
[JsonSerializable(typeof(EmptyResponse))]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;

internal sealed record ItemsPage<T>(IReadOnlyList<T> Items, string? NextCursor = null);

internal sealed record CreateTenantRequest(string? Id, string? Name, TenantQuotas? Quotas);

internal sealed record CreateKeyRequest(string? Name, IReadOnlyList<string>? Roles, string? AgentId);

internal sealed record KeyView(string Id, string Name, IReadOnlyList<string> Roles, string? AgentId, string? Tenant, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

internal sealed record CreatedKey(string Id, string Name, IReadOnlyList<string> Roles, string? AgentId, string? Tenant, DateTimeOffset CreatedAt, string Key);

internal sealed record TerminateRequest(bool? Force);

internal sealed record PollRequest(int? Max, int? WaitSeconds);

internal sealed record PollResponse(IReadOnlyList<Assignment> Assignments, IReadOnlyList<Guid> Cancellations, IReadOnlyList<JsonElement> Calls);

internal sealed record LeaseRequest(Guid? TaskId, string? LeaseToken);

internal sealed record HeartbeatRequest(double? Load, IReadOnlyList<LeaseRequest>? Leases);

internal sealed record HeartbeatResponse(IReadOnlyList<LeaseExtension> Leases, IReadOnlyList<Guid> Lost, IReadOnlyList<Guid> Cancellations);

internal sealed record ResultItem(
    Guid? TaskId,
    string? LeaseToken,
    string? Outcome,
    JsonElement? Output,
    TaskError? Error,
    bool? Retryable,
    string? Reason,
    double? Percent,
    string? Message,
    string? Traceparent = null,
    UsageItem? Usage = null);

internal sealed record UsageItem(long? InputTokens, long? OutputTokens);

internal sealed record ResultsRequest(IReadOnlyList<ResultItem>? Results);

internal sealed record ResultOutcome(Guid TaskId, int Status, string? Code, MeshTaskStatus? TaskStatus);

internal sealed record ResultsResponse(IReadOnlyList<ResultOutcome> Results);

internal sealed record BatchSubmitRequest(IReadOnlyList<TaskSubmission>? Tasks);

internal sealed record CompleteRequest(string? LeaseToken, JsonElement? Output);

internal sealed record FailRequest(string? LeaseToken, TaskError? Error, bool? Retryable);

internal sealed record ProgressRequest(string? LeaseToken, double? Percent, string? Message);

internal sealed record DeclineRequest(string? LeaseToken, string? Reason);

internal sealed record ReasonRequest(string? Reason);

internal sealed record EraseSubjectRequest(string? Subject);

internal sealed record EmptyResponse;

internal sealed record HealthReport(string Status, IReadOnlyDictionary<string, string> Checks);
