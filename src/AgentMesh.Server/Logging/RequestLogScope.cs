using System.Collections;

namespace AgentMesh.Server.Logging;

/// <summary>The scope of one request: its id and, on tenant routes, the tenant.</summary>
internal sealed class RequestLogScope(string requestId, string? tenant) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public const string RequestIdName = "requestId";
    public const string TenantName = "tenant";

    public int Count => tenant is null ? 1 : 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new(RequestIdName, requestId),
        1 when tenant is not null => new(TenantName, tenant),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => tenant is null ? $"RequestId:{requestId}" : $"RequestId:{requestId} Tenant:{tenant}";
}
