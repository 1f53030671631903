// Each test here starts nodes, databases and agent processes of its own; on a small machine several at once starve
// each other and their timeouts say nothing about AgentMesh. They run one after another.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]
