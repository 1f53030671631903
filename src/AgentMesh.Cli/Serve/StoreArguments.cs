using System.CommandLine;
using AgentMesh.Server.Hosting;
using Microsoft.Extensions.Configuration;

namespace AgentMesh.Cli.Serve;

/// <summary>
/// The options that choose a node's store and cluster services: <c>--store</c>, <c>--postgres</c>,
/// <c>--nats</c>, <c>--redis</c>. Each becomes the configuration key it stands for, and only when given, so
/// appsettings.json and the environment (<c>AgentMesh__Store</c>, <c>ConnectionStrings__Postgres</c>, …) still apply.
/// </summary>
internal sealed class StoreArguments
{
    public Option<string?> Store { get; } = new("--store") { Description = "sqlite (embedded, default) or postgres (cluster). Same as AgentMesh:Store." };

    public Option<string?> Postgres { get; } = new("--postgres") { Description = "PostgreSQL connection string for --store postgres. Same as ConnectionStrings:Postgres." };

    public Option<string?> Nats { get; } = new("--nats") { Description = "NATS URL (e.g. nats://127.0.0.1:4222): relay every event to the JetStream stream AGENTMESH_EVENTS. Same as ConnectionStrings:Nats." };

    public Option<string?> Redis { get; } = new("--redis") { Description = "Redis configuration string (e.g. 127.0.0.1:6379): share request rate limits and the read cache of finished tasks between nodes; optional. Same as ConnectionStrings:Redis." };

    public void AddTo(Command command)
    {
        command.Options.Add(Store);
        command.Options.Add(Postgres);
        command.Options.Add(Nats);
        command.Options.Add(Redis);
    }

    /// <summary>The given options as configuration tokens, e.g. <c>--AgentMesh:Store postgres</c>.</summary>
    public string[] ToConfiguration(ParseResult result)
    {
        var tokens = new List<string>();
        Add(StoreKinds.Setting, result.GetValue(Store));
        Add("ConnectionStrings:Postgres", result.GetValue(Postgres));
        Add("ConnectionStrings:Nats", result.GetValue(Nats));
        Add("ConnectionStrings:Redis", result.GetValue(Redis));
        return [.. tokens];

        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                tokens.Add("--" + key);
                tokens.Add(value);
            }
        }
    }

    /// <summary>The cluster database: <c>--postgres</c>, else <c>ConnectionStrings:Postgres</c> from <paramref name="settings"/>; null when neither is set.</summary>
    public string? PostgresConnectionString(ParseResult result, IConfiguration settings) =>
        result.GetValue(Postgres) is { Length: > 0 } given ? given : settings["ConnectionStrings:Postgres"] is { Length: > 0 } configured ? configured : null;

    /// <summary>The store the options (or, without <c>--store</c>, the environment) name; null with a message on a bad value.</summary>
    public StoreKind? Kind(ParseResult result, TextWriter error)
    {
        try
        {
            return StoreKinds.Parse(result.GetValue(Store) ?? Environment.GetEnvironmentVariable("AgentMesh__Store"));
        }
        catch (InvalidOperationException exception)
        {
            error.WriteLine(exception.Message);
            return null;
        }
    }
}
