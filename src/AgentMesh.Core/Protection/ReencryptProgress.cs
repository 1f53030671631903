namespace AgentMesh.Protection;

/// <summary>
/// How far a store's re-encryption has come, reported after each batch: tasks read so far, tasks rewritten under the
/// current key, and tasks left alone because a node changed them between the read and the rewrite (a later run takes them).
/// </summary>
public readonly record struct ReencryptProgress(int Scanned, int Rewritten, int Skipped);
