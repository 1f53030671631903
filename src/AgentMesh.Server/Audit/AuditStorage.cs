using AgentMesh.Audit;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Audit;

/// <summary>How the node's audit store and personal-data sealing are put together.</summary>
internal static class AuditStorage
{
    /// <summary>
    /// Sealing of personal fields over the store <paramref name="createStore"/> makes, with the master key from
    /// <c>AgentMesh:Audit:SubjectKey</c> or the key file (<c>&lt;data&gt;/audit-subjects.key</c>, created on first start, mode 0600).
    /// </summary>
    public static AuditSubjects CreateSubjects(IServiceProvider services, Func<IServiceProvider, IAuditStore> createStore)
    {
        var options = services.GetRequiredService<IOptions<AuditOptions>>().Value;
        var key = string.IsNullOrEmpty(options.SubjectKey)
            ? SubjectKeyFile.LoadOrCreate(options.SubjectKeyFile ?? Path.Combine(services.GetRequiredService<IOptions<Hosting.NodeOptions>>().Value.DataPath, SubjectKeyFile.DefaultName))
            : SubjectKeyFile.Parse(options.SubjectKey, "AgentMesh:Audit:SubjectKey");
        return new AuditSubjects(key, createStore(services));
    }
}
