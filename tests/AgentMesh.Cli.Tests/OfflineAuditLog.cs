using AgentMesh.Audit;

namespace AgentMesh.Cli.Tests;

/// <summary>Reads what the offline commands recorded: a chain's events with personal fields opened, as an auditor sees them.</summary>
internal static class OfflineAuditLog
{
    /// <summary>The chain the CLI writes to: the node's default chain (the machine name) plus <c>-cli</c>.</summary>
    public static readonly string CliChain = Environment.MachineName.ToLowerInvariant() + "-cli";

    public static async Task<IReadOnlyList<AuditEvent>> ReadAsync(IAuditStore store, string chain, string subjectKeyFile)
    {
        var entries = new List<AuditEntry>();
        await foreach (var entry in store.ReadAsync(chain, 1, long.MaxValue, TestContext.Current.CancellationToken))
        {
            entries.Add(entry);
        }

        var subjects = new AuditSubjects(SubjectKeyFile.LoadOrCreate(subjectKeyFile), store);
        return [.. (await subjects.OpenAsync(entries, TestContext.Current.CancellationToken)).Select(static e => e.View)];
    }

}
