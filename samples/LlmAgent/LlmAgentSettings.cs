using System.Globalization;
using AgentMesh.Client;
using Microsoft.Extensions.Configuration;

namespace LlmAgent;

/// <summary>The agent's command-line switches, each with an environment variable fallback; the model's settings are <see cref="LlmOptions"/>.</summary>
internal sealed record LlmAgentSettings(
    IReadOnlyList<Uri> Urls,
    string ApiKey,
    string Tenant,
    string AgentId,
    string? Name,
    IReadOnlyList<Capability> Capabilities,
    int Concurrency)
{
    public const string Usage = """
        usage: LlmAgent --url <node> --key <api key> --tenant <tenant> [options]
          --url           node address; for a cluster, several separated by commas (AGENTMESH_URL)
          --key           API key                    (AGENTMESH_API_KEY)
          --tenant        tenant id                  (AGENTMESH_TENANT)
          --agent-id      agent id, default llm-1    (AGENTMESH_AGENT_ID)
          --name          display name, default the id (AGENTMESH_NAME)
          --capabilities  name:level,… default chat:4 (AGENTMESH_CAPABILITIES)
          --concurrency   model calls at once, default 4 (AGENTMESH_CONCURRENCY)
        the model (an OpenAI-compatible endpoint):
          --Llm:BaseUrl   base address, e.g. http://127.0.0.1:11434/v1; required (LLM_BASE_URL)
          --Llm:Model     model name; required       (LLM_MODEL)
                          API key only from the environment (LLM_API_KEY); none by default
          --Llm:Resilience:<setting>  (or Llm__Resilience__<setting>), defaults:
                          AttemptTimeout 00:00:30, TotalTimeout 00:02:00, MaxRetries 3, RetryBaseDelay 00:00:01, RetryMaxDelay 00:00:30,
                          FailureRatio 0.5, SamplingDuration 00:01:00, MinimumThroughput 10, BreakDuration 00:00:30
        """;

    public static LlmAgentSettings Read(IConfiguration configuration)
    {
        string? Get(string key, string variable) => configuration[key] ?? configuration[variable];

        var url = Get("url", "AGENTMESH_URL") is { } text && text.Replace(",", "", StringComparison.Ordinal).Trim().Length > 0
            ? text
            : throw new FormatException("--url is required.");
        var concurrency = Get("concurrency", "AGENTMESH_CONCURRENCY") is not { } count ? 4
            : int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value
            : throw new FormatException($"--concurrency '{count}' is not a positive whole number.");
        return new LlmAgentSettings(
            [.. url.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(static one =>
                Uri.TryCreate(one, UriKind.Absolute, out var uri) ? uri : throw new FormatException($"--url '{one}' is not an absolute URI."))],
            Get("key", "AGENTMESH_API_KEY") ?? throw new FormatException("--key is required."),
            Get("tenant", "AGENTMESH_TENANT") ?? throw new FormatException("--tenant is required."),
            Get("agent-id", "AGENTMESH_AGENT_ID") ?? "llm-1",
            Get("name", "AGENTMESH_NAME"),
            ParseCapabilities(Get("capabilities", "AGENTMESH_CAPABILITIES") ?? "chat:4"),
            concurrency);
    }

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
