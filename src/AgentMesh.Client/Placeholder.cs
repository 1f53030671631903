namespace AgentMesh.Client;
