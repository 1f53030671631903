using System.Text;
using AgentMesh.Events;

namespace AgentMesh.Nats.Outbox;

/// <summary>
/// Subjects of the relayed events: <c>agentmesh.{tenant}.{type without its 'agentmesh.' prefix}</c>, e.g.
/// <c>agentmesh.acme.task.succeeded</c>. A tenant id is 3–64 characters of <c>a-z 0-9 - _</c> (system keys'
/// events use <c>_system</c>), so it is always one subject token; a character a token cannot hold
/// (<c>.</c>, <c>*</c>, <c>&gt;</c>, whitespace) would be written as <c>_</c> rather than stall the relay.
/// </summary>
public static class NatsSubjects
{
    /// <summary>The root every relayed subject starts with; the stream captures <c>agentmesh.&gt;</c>.</summary>
    public const string Root = "agentmesh";

    private const string TypePrefix = "agentmesh.";

    /// <summary>The subject of <paramref name="meshEvent"/>.</summary>
    public static string For(MeshEvent meshEvent)
    {
        ArgumentNullException.ThrowIfNull(meshEvent);
        return For(meshEvent.Tenant, meshEvent.Type);
    }

    /// <summary>The subject of an event of <paramref name="type"/> in <paramref name="tenant"/>.</summary>
    public static string For(string tenant, string type)
    {
        var shortType = type.StartsWith(TypePrefix, StringComparison.Ordinal) ? type[TypePrefix.Length..] : type;
        var subject = new StringBuilder(Root.Length + tenant.Length + shortType.Length + 2).Append(Root).Append('.');
        AppendToken(subject, tenant);
        foreach (var token in shortType.Split('.'))
        {
            subject.Append('.');
            AppendToken(subject, token);
        }

        return subject.ToString();
    }

    private static void AppendToken(StringBuilder subject, string token)
    {
        if (token.Length == 0)
        {
            subject.Append('_');
            return;
        }

        foreach (var c in token)
        {
            subject.Append(c is '.' or '*' or '>' || char.IsWhiteSpace(c) || char.IsControl(c) ? '_' : c);
        }
    }
}
