namespace AgentMesh.Sqlite;
