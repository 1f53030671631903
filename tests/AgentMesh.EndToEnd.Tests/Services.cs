using AgentMesh.TestKit.Services;

[assembly: AssemblyFixture(typeof(PostgresServer))]
