using AgentMesh.Cli;

return await AgentMeshCommands.Create().Parse(args).InvokeAsync();
