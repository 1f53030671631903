namespace AgentMesh.Client.Autonomy;

/// <summary>How an agent decides whether to take an assignment.</summary>
public sealed class AutonomyOptions
{
    /// <summary>
    /// Whether the acceptance score is compared with <see cref="Threshold"/>. Default <see langword="true"/>.
    /// When <see langword="false"/>, only the hard declines apply (missing capability, paused or draining, success rate).
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Lowest acceptance score (0–1) that takes an assignment. Default 0.6.</summary>
    public double Threshold { get; set; } = 0.6;
}
