using System.Text.Json.Serialization;

namespace AgentMesh.Client;

/// <summary>Whether a tenant may be used.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<TenantStatus>))]
public enum TenantStatus
{
    /// <summary>The tenant accepts requests.</summary>
    Active,

    /// <summary>The tenant is suspended by a system administrator.</summary>
    Suspended,
}
