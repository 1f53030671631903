namespace AgentMesh.Server.Tests;

/// <summary>A node whose credentials may send 5 requests/s with a burst of 10, and that lets one browser origin in.</summary>
public sealed class RateLimitNodeFixture : NodeFixture
{
    public const int PerKeyBurst = 10;

    public const string AllowedOrigin = "https://console.example";

    protected override IEnumerable<string> Settings =>
    [
        "--AgentMesh:RateLimits:PerKeyRequestsPerSecond", "5",
        "--AgentMesh:RateLimits:PerKeyBurstMultiple", "2",
        "--AgentMesh:Cors:Origins:0", AllowedOrigin,
    ];
}
