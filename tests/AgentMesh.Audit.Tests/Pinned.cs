namespace AgentMesh.Audit.Tests;

/// <summary>Hashes pinned from the documented encoding: a change here breaks every stored chain.</summary>
internal static class Pinned
{
    public const string FirstEntryHash = "cf577b329c38cf4caa0fbfbb6979982fc83ad0b7679545a7c1d565a14f167e45";
}
