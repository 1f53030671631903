using static AgentMesh.Client.Tests.Wire.Wire;

namespace AgentMesh.Client.Tests.Wire;

public class AgentWireTests
{
    [Fact]
    public void Write_AgentRegistration_UsesProtocolNames()
    {
        var registration = new AgentRegistration
        {
            Name = "Summarizer 1",
            Type = "summarizer",
            Description = "d",
            Capabilities = [new("summarize", 4.5)],
            MaxConcurrency = 4,
            Tags = ["gpu"],
            Metadata = new Dictionary<string, string> { ["region"] = "eu" },
        };

        var json = Write(registration, Json.AgentRegistration);

        Assert.Equal(
            """{"name":"Summarizer 1","type":"summarizer","description":"d","capabilities":[{"name":"summarize","level":4.5}],"maxConcurrency":4,"tags":["gpu"],"metadata":{"region":"eu"}}""",
            json.ToJsonString());
    }

    [Fact]
    public void Read_Agent_MapsEveryField()
    {
        var agent = Read(
            """
            { "id": "sum-1", "tenant": "acme", "name": "Summarizer 1", "type": "summarizer", "description": "d",
              "capabilities": [ { "name": "summarize", "level": 4.5 } ], "maxConcurrency": 4,
              "tags": ["gpu"], "metadata": { "region": "eu" }, "supervisor": null,
              "status": "available", "connected": true, "inFlight": 1,
              "stats": { "assigned": 10, "completed": 9, "failed": 0, "successRate": 1.0, "latencyMs": 12.5 },
              "lastHeartbeat": "2026-11-24T10:00:01.000Z", "createdAt": "2026-11-24T09:00:00.000Z",
              "updatedAt": "2026-11-24T10:00:00.000Z", "version": 3 }
            """,
            Json.Agent);

        Assert.Equal("sum-1", agent.Id);
        Assert.Equal(new Capability("summarize", 4.5), Assert.Single(agent.Capabilities));
        Assert.Equal(AgentStatus.Available, agent.Status);
        Assert.True(agent.Connected);
        Assert.Equal(1, agent.InFlight);
        Assert.Equal(12.5, agent.Stats!.LatencyMs);
        Assert.Equal("eu", agent.Metadata["region"]);
        Assert.Null(agent.Supervisor);
        Assert.Equal(3, agent.Version);
    }

    [Theory]
    [InlineData("offline", AgentStatus.Offline)]
    [InlineData("available", AgentStatus.Available)]
    [InlineData("busy", AgentStatus.Busy)]
    [InlineData("paused", AgentStatus.Paused)]
    [InlineData("draining", AgentStatus.Draining)]
    [InlineData("unhealthy", AgentStatus.Unhealthy)]
    [InlineData("quarantined", AgentStatus.Quarantined)]
    [InlineData("terminated", AgentStatus.Terminated)]
    public void Read_AgentStatus_MapsSnakeCase(string wire, AgentStatus status) =>
        Assert.Equal(status, Read($$"""{"status":"{{wire}}"}""", Json.Agent).Status);

    [Fact]
    public void Read_AgentPage_MapsCursor()
    {
        var page = Read("""{"items":[{"id":"a-1"}],"nextCursor":"c2"}""", Json.PageAgent);

        Assert.Equal("a-1", Assert.Single(page.Items).Id);
        Assert.Equal("c2", page.NextCursor);
    }
}
