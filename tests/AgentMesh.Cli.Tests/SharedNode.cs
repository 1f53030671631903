namespace AgentMesh.Cli.Tests;

[CollectionDefinition(Name)]
public sealed class SharedNode : ICollectionFixture<CliNode>
{
    public const string Name = "node";
}
