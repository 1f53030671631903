using static AgentMesh.Client.Tests.Wire.Wire;

namespace AgentMesh.Client.Tests.Wire;

public class EventWireTests
{
    [Fact]
    public void Read_Event_MapsCloudEventsEnvelope()
    {
        var meshEvent = Read(
            """
            { "specversion": "1.0", "id": "019e", "source": "/agentmesh", "type": "agentmesh.task.succeeded",
              "subject": "tasks/019a", "time": "2026-11-24T10:00:00.000Z", "datacontenttype": "application/json",
              "tenant": "acme", "sequence": 1234, "traceparent": "00-abc", "data": { "taskId": "019a" } }
            """,
            Json.MeshEvent);

        Assert.Equal("1.0", meshEvent.SpecVersion);
        Assert.Equal("agentmesh.task.succeeded", meshEvent.Type);
        Assert.Equal("tasks/019a", meshEvent.Subject);
        Assert.Equal("application/json", meshEvent.DataContentType);
        Assert.Equal(1234, meshEvent.Sequence);
        Assert.Equal("019a", meshEvent.Data.GetProperty("taskId").GetString());
    }

    [Fact]
    public void Write_Event_UsesCloudEventsNames()
    {
        var json = Write(new MeshEvent { Id = "e", Type = "t", DataContentType = "application/json", Data = Element("1") }, Json.MeshEvent);

        Assert.True(json.ContainsKey("specversion"));
        Assert.True(json.ContainsKey("datacontenttype"));
    }
}
