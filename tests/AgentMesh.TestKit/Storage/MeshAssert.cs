using AgentMesh.Agents;
using AgentMesh.Events;
using AgentMesh.Keys;
using AgentMesh.Tasks;

namespace AgentMesh.TestKit.Storage;

/// <summary>Field-by-field equality for stored entities, whose records hold lists and maps that compare by reference.</summary>
public static class MeshAssert
{
    public static void Equal(MeshTask expected, MeshTask? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Requirements, actual.Requirements);
        Assert.Equal(expected.Attempts, actual.Attempts);
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.Equal(expected, actual with { Requirements = expected.Requirements, Attempts = expected.Attempts, Labels = expected.Labels });
    }

    public static void Equal(ApiKeyRecord expected, ApiKeyRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Roles, actual.Roles);
        Assert.Equal(expected, actual with { Roles = expected.Roles });
    }

    public static void Equal(AgentRecord expected, AgentRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Capabilities, actual.Capabilities);
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected.Metadata, actual.Metadata);
        Assert.Equal(expected, actual with { Capabilities = expected.Capabilities, Tags = expected.Tags, Metadata = expected.Metadata });
    }

    public static void Equal(MeshEvent expected, MeshEvent? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Sequence, actual.Sequence);
        Assert.Equal(expected.Tenant, actual.Tenant);
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.Subject, actual.Subject);
        Assert.Equal(expected.Time, actual.Time);
        Assert.Equal(expected.TaskId, actual.TaskId);
        Assert.Equal(expected.AgentId, actual.AgentId);
        Assert.Equal(expected.TraceParent, actual.TraceParent);
        Assert.Equal(expected.Data, actual.Data);
    }
}
