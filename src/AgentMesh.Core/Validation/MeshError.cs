namespace AgentMesh.Validation;

/// <summary>What kind of answer an expected failure deserves; the HTTP layer maps it to a status.</summary>
public enum MeshErrorKind
{
    Validation,
    NotFound,
    Conflict,
    LeaseConflict,
    Gone,
    QuotaExceeded,
    Overloaded,
    Forbidden,
}

/// <summary>An expected failure with a stable machine code (<c>task_not_found</c>, <c>lease_conflict</c>).</summary>
public sealed record MeshError(MeshErrorKind Kind, string Code, string Detail, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static MeshError Invalid(FieldErrors errors) =>
        new(MeshErrorKind.Validation, "validation_failed", errors.Describe(), errors.ToDictionary());

    public static MeshError Invalid(string field, string message)
    {
        var errors = new FieldErrors();
        errors.Add(field, message);
        return Invalid(errors);
    }

    public static MeshError TenantNotFound(string tenant) => new(MeshErrorKind.NotFound, "tenant_not_found", $"Tenant '{tenant}' was not found.");

    public static MeshError AgentNotFound(string agent) => new(MeshErrorKind.NotFound, "agent_not_found", $"Agent '{agent}' was not found.");

    public static MeshError TaskNotFound(Guid id) => new(MeshErrorKind.NotFound, "task_not_found", $"Task '{id}' was not found.");

    public static MeshError TaskNotFound(string id) => new(MeshErrorKind.NotFound, "task_not_found", $"Task '{id}' was not found.");

    public static MeshError StaleLease(Guid id) =>
        new(MeshErrorKind.LeaseConflict, "lease_conflict", $"The lease token for task '{id}' is no longer current; nothing was changed.");

    public static MeshError Conflict(string detail) => new(MeshErrorKind.Conflict, "conflict", detail);
}

/// <summary>Builds results for interface-typed values, which implicit conversions cannot take.</summary>
public static class MeshResults
{
    public static MeshResult<T> Success<T>(T value) => MeshResult<T>.FromValue(value);
}

/// <summary>A value or an expected failure.</summary>
public readonly struct MeshResult<T>
{
    private MeshResult(T? value, MeshError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public MeshError? Error { get; }

    public bool IsSuccess => Error is null;

    public static implicit operator MeshResult<T>(T value) => new(value, null);

    internal static MeshResult<T> FromValue(T value) => new(value, null);


    public static implicit operator MeshResult<T>(MeshError error) => new(default, error);
}
