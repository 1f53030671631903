using System.CommandLine;
using AgentMesh.Cli.Agents;
using AgentMesh.Cli.Audit;
using AgentMesh.Cli.Bench;
using AgentMesh.Cli.Encryption;
using AgentMesh.Cli.Events;
using AgentMesh.Cli.Keys;
using AgentMesh.Cli.Migrate;
using AgentMesh.Cli.Serve;
using AgentMesh.Cli.Status;
using AgentMesh.Cli.Tasks;
using AgentMesh.Cli.Tenants;
using AgentMesh.Cli.Tokens;

namespace AgentMesh.Cli;

/// <summary>The whole <c>agentmesh</c> command tree.</summary>
internal static class AgentMeshCommands
{
    public static RootCommand Create() => new("AgentMesh: an event-driven runtime for multi-agent systems.")
    {
        ServeCommand.Create(),
        MigrateCommand.Create(),
        TenantCommands.Create(),
        KeyCommands.Create(),
        TokenCommands.Create(),
        EncryptionKeyCommands.Create(),
        AgentCommands.Create(),
        TaskCommands.Create(),
        EventCommands.Create(),
        AuditCommands.Create(),
        StatusCommand.Create(),
        BenchCommand.Create(),
        BenchAgentsCommand.Create(),
    };
}
