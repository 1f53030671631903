using System.Collections;

namespace AgentMesh.Server.Logging;

/// <summary>
/// The scope of one request: its id, the caller's address (behind a known proxy, the forwarded one) and, on tenant routes,
/// the tenant.
/// </summary>
internal sealed class RequestLogScope(string requestId, string? tenant, string? remoteAddress = null) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public const string RequestIdName = "requestId";
    public const string TenantName = "tenant";
    public const string RemoteAddressName = "remoteAddress";

    public int Count => 1 + (tenant is null ? 0 : 1) + (remoteAddress is null ? 0 : 1);

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new(RequestIdName, requestId),
        1 when tenant is not null => new(TenantName, tenant),
        1 or 2 when remoteAddress is not null && index == Count - 1 => new(RemoteAddressName, remoteAddress),
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

    public override string ToString() =>
        $"RequestId:{requestId}{(tenant is null ? string.Empty : $" Tenant:{tenant}")}{(remoteAddress is null ? string.Empty : $" RemoteAddress:{remoteAddress}")}";
}
