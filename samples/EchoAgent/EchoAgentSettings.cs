using System.Globalization;
using AgentMesh.Client;
using Microsoft.Extensions.Configuration;

namespace EchoAgent;

/// <summary>Command-line switches, each with an environment variable fallback.</summary>
internal sealed record EchoAgentSettings(
    IReadOnlyList<Uri> Urls,
    string ApiKey,
    string Tenant,
    IReadOnlyList<string> AgentIds,
    string? Name,
    IReadOnlyList<Capability> Capabilities,
    int Concurrency,
    int QueueCapacity,
    bool Autonomy,
    bool Broken)
{
    public const string Usage = """
        usage: EchoAgent --url <node> --key <api key> --tenant <tenant> [options]
          --url           node address; for a cluster, several separated by commas (AGENTMESH_URL)
          --key           API key                   (AGENTMESH_API_KEY)
          --tenant        tenant id                 (AGENTMESH_TENANT)
          --agent-id      agent id, default echo-1  (AGENTMESH_AGENT_ID)
          --agents        how many agents to run, default 1; ids get -1, -2, … when more than 1 (AGENTMESH_AGENTS)
          --name          display name, default the id (AGENTMESH_NAME)
          --capabilities  name:level,… default echo:4 (AGENTMESH_CAPABILITIES)
          --concurrency   handlers at once per agent, default 4 (AGENTMESH_CONCURRENCY)
          --queue         local queue per agent, default 0 (AGENTMESH_QUEUE)
          --autonomy      true|false, default true: decline assignments that score below 0.6 (AGENTMESH_AUTONOMY)
          --broken        true|false, default false: every handler call throws an exception the handler did not
                          mean, so the SDK's handler breaker opens and the agent declines work (AGENTMESH_BROKEN)
        """;

    public static EchoAgentSettings Read(IConfiguration configuration)
    {
        string? Get(string key, string variable) => configuration[key] ?? configuration[variable];

        var url = Get("url", "AGENTMESH_URL") is { } text && text.Replace(",", "", StringComparison.Ordinal).Trim().Length > 0
            ? text
            : throw new FormatException("--url is required.");
        var key = Get("key", "AGENTMESH_API_KEY") ?? throw new FormatException("--key is required.");
        var tenant = Get("tenant", "AGENTMESH_TENANT") ?? throw new FormatException("--tenant is required.");
        var agentId = Get("agent-id", "AGENTMESH_AGENT_ID") ?? "echo-1";
        var count = Number(Get("agents", "AGENTMESH_AGENTS"), 1, "--agents");
        return new EchoAgentSettings(
            [.. url.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(static one =>
                Uri.TryCreate(one, UriKind.Absolute, out var uri) ? uri : throw new FormatException($"--url '{one}' is not an absolute URI."))],
            key,
            tenant,
            count == 1 ? [agentId] : [.. Enumerable.Range(1, count).Select(i => $"{agentId}-{i}")],
            Get("name", "AGENTMESH_NAME"),
            ParseCapabilities(Get("capabilities", "AGENTMESH_CAPABILITIES") ?? "echo:4"),
            Number(Get("concurrency", "AGENTMESH_CONCURRENCY"), 4, "--concurrency"),
            Number(Get("queue", "AGENTMESH_QUEUE"), 0, "--queue"),
            !string.Equals(Get("autonomy", "AGENTMESH_AUTONOMY"), "false", StringComparison.OrdinalIgnoreCase),
            string.Equals(Get("broken", "AGENTMESH_BROKEN"), "true", StringComparison.OrdinalIgnoreCase));
    }

    private static int Number(string? text, int fallback, string name) =>
        text is null ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new FormatException($"{name} '{text}' is not a whole number.");

    private static Capability[] ParseCapabilities(string text) =>
    [
        .. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(item =>
        {
            var parts = item.Split(':');
            return parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var level)
                ? new Capability(parts[0], level)
                : throw new FormatException($"--capabilities item '{item}' is not name:level.");
        }),
    ];
}
