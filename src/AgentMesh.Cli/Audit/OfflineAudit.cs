using System.Reflection;
using AgentMesh.Audit;
using AgentMesh.Server.Audit;
using AgentMesh.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Cli.Audit;

/// <summary>
/// The audit entry of a command that changes keys or a store without a node (<c>keys rotate</c>, <c>keys reencrypt</c>,
/// <c>migrate</c>). It goes to the audit store a node on the same data folder or cluster writes to, under the node's
/// keys, on a chain of the CLI's own (<c>&lt;node chain&gt;-cli</c>) so it never races the node's writer, and is
/// followed by a checkpoint signed with the node's key: <c>audit verify</c> checks it like any node's chain. The command
/// fills <see cref="ResourceId"/> and <see cref="Details"/> as it goes, so a failure records how far it got.
/// </summary>
internal sealed class OfflineAudit(
    AuditOptions? options, CheckpointSigner? signer, byte[]? subjectKey, string chain, string dataPath, string? postgres, string action, DataClassification classification, TextWriter error)
{
    /// <summary>The actor type of every entry the CLI writes.</summary>
    public const string ActorType = "cli";

    /// <summary>What the CLI's chain name adds to the node's.</summary>
    public const string ChainSuffix = "-cli";

    private const int MaxChainLength = 128;
    private const int MaxValueLength = 256;

    private static readonly string UserAgent = "agentmesh-cli/" + Version();

    /// <summary>The id of what was acted on, once the command knows it.</summary>
    public string? ResourceId { get; set; }

    /// <summary>What happened, in words an auditor reads; never a secret.</summary>
    public Dictionary<string, string> Details { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Prepares the entry of <paramref name="action"/> (<c>resource.verb</c>) as a node on <paramref name="dataPath"/>
    /// (or on the cluster database <paramref name="postgres"/>) would write it under <paramref name="configuration"/>:
    /// nothing is recorded when <c>AgentMesh:Audit:Enabled</c> is false. The keys are read (and, like a node's first
    /// start, created when missing) now, so settings that cannot be audited stop the command before it changes anything.
    /// </summary>
    /// <exception cref="InvalidOperationException">The audit settings are unusable; the message names the setting.</exception>
    public static OfflineAudit Open(
        IConfiguration configuration, string dataPath, string? postgres, string action, DataClassification classification, TextWriter error)
    {
        var options = new AuditOptions();
        configuration.GetSection(AuditOptions.Section).Bind(options);
        if (!options.Enabled)
        {
            return new OfflineAudit(null, null, null, "", dataPath, postgres, action, classification, error);
        }

        if (string.IsNullOrWhiteSpace(options.Chain) || options.Chain.Length > MaxChainLength - ChainSuffix.Length)
        {
            throw new InvalidOperationException(
                $"AgentMesh:Audit:Chain must be 1 to {MaxChainLength - ChainSuffix.Length} characters for the CLI's chain ('{ChainSuffix}' appended) to fit in {MaxChainLength}.");
        }

        if (postgres is not null && AuditStorage.MissingSharedKey(options) is { } missing)
        {
            throw new InvalidOperationException(missing);
        }

        if (postgres is null)
        {
            // The node's own folder, as the node would create it: the audit database and key files go there.
            DataFolder.Create(dataPath);
        }

        try
        {
            var signer = AuditStorage.Signer(options, dataPath);
            var subjectKey = AuditStorage.SubjectKey(options, dataPath);
            return new OfflineAudit(options, signer, subjectKey, options.Chain + ChainSuffix, dataPath, postgres, action, classification, error);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"The audit log's keys cannot be read: {exception.Message}", exception);
        }
    }

    /// <summary>
    /// Runs <paramref name="operation"/> and records how it ended. A failure is recorded as <c>failed</c> (a warning says
    /// when that entry cannot be written) and thrown on.
    /// </summary>
    /// <exception cref="UnauditedException">The operation succeeded but its entry could not be written.</exception>
    public async Task RunAsync(Func<Task> operation)
    {
        try
        {
            await operation();
        }
        catch (Exception exception)
        {
            try
            {
                await RecordAsync(exception);
            }
            catch (UnauditedException unaudited)
            {
                await error.WriteLineAsync($"warning: {unaudited.Message}");
            }

            throw;
        }

        await RecordAsync(null);
    }

    private async Task RecordAsync(Exception? failure)
    {
        if (options is null)
        {
            return;
        }

        if (failure is not null)
        {
            Details["error"] = failure.GetType().Name;
        }

        var auditEvent = new AuditEvent(
            TimeProvider.System.GetUtcNow(),
            Tenant: null,
            new AuditActor(ActorType, Clip(Environment.UserName), Ip: null, UserAgent),
            action,
            new AuditResource(action[..action.IndexOf('.', StringComparison.Ordinal)], ResourceId is null ? null : Clip(ResourceId)),
            failure is null ? AuditOutcome.Success : AuditOutcome.Failed,
            failure switch
            {
                null => null,
                OperationCanceledException => "interrupted",
                _ => Clip(failure.Message),
            },
            RequestId: null,
            TraceId: null,
            classification,
            Details.ToDictionary(static d => d.Key, static d => Clip(d.Value), StringComparer.Ordinal));
        try
        {
            // A record of work already done is written even when the command was interrupted.
            await using var store = AuditStorage.OpenStore(options, chain, dataPath, postgres, NullLoggerFactory.Instance);
            await DirectAuditWriter.AppendAsync(new AuditSubjects(subjectKey!, store), signer!, chain, [auditEvent], TimeProvider.System, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            throw new UnauditedException(
                failure is null
                    ? $"{action} succeeded, but its audit entry could not be written to {Destination()}: {exception.Message} The change stands, unaudited."
                    : $"the audit entry of the failed {action} could not be written to {Destination()}: {exception.Message}",
                exception);
        }
    }

    private string Destination() => postgres is not null ? "the cluster's audit log" : Path.GetFullPath(options!.Path ?? Path.Combine(dataPath, "audit.db"));

    private static string Clip(string value) => value.Length <= MaxValueLength ? value : value[..MaxValueLength];

    private static string Version()
    {
        var version = typeof(OfflineAudit).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var build = version.IndexOf('+', StringComparison.Ordinal);
        return build < 0 ? version : version[..build];
    }
}
