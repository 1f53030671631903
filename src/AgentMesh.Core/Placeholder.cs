namespace AgentMesh;
