namespace AgentMesh.Server;
