using AgentMesh.Engine;

namespace AgentMesh.Routing;

/// <summary>One agent in one capability's candidate set, with the score it had when it was put there.</summary>
internal sealed class CandidateEntry(LiveAgent agent, string? capability, double level, double score, long tiebreak)
{
    /// <summary>The capability set this entry sits in; null for the all-agents set.</summary>
    public string? CapabilityName { get; } = capability;

    public LiveAgent Agent { get; } = agent;

    public double Level { get; } = level;

    public double Score { get; } = score;

    public long Tiebreak { get; } = tiebreak;
}

/// <summary>Best score first; among equals the agent assigned least recently, so ties rotate.</summary>
internal sealed class CandidateOrder : IComparer<CandidateEntry>
{
    public static CandidateOrder Instance { get; } = new();

    public int Compare(CandidateEntry? x, CandidateEntry? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        var byScore = y!.Score.CompareTo(x!.Score);
        if (byScore != 0)
        {
            return byScore;
        }

        var byTick = x.Tiebreak.CompareTo(y.Tiebreak);
        return byTick != 0 ? byTick : string.CompareOrdinal(x.Agent.Id, y.Agent.Id);
    }
}
