using System.Globalization;
using AgentMesh.Client.Worker;

namespace AgentMesh.Client.Autonomy;

/// <summary>
/// The agent-side acceptance decision. Pure: the same assignment, snapshot and time give the same decision.
/// <para>
/// Hard declines come first: a required capability missing or below its minimum level; the agent paused or draining;
/// the agent's own success rate below the task's <see cref="Assignment.RequiredSuccessRate"/>. Otherwise the score is
/// 0.40·priority/5 + 0.30·mean(level/5 over the requirements, 1 without requirements) + 0.20·(1 − inFlight/slots)
/// + 0.10·urgency, where urgency is 0.5 without a deadline, else 1 − min(timeLeft / 1 h, 1); the agent accepts at a
/// score of at least <see cref="AutonomyOptions.Threshold"/>.
/// </para>
/// </summary>
public sealed class AutonomyPolicy
{
    private const double PriorityWeight = 0.40;
    private const double CapabilityWeight = 0.30;
    private const double CapacityWeight = 0.20;
    private const double UrgencyWeight = 0.10;
    private const double Tolerance = 1e-9;
    private static readonly TimeSpan UrgencyHorizon = TimeSpan.FromHours(1);

    private readonly bool _enabled;
    private readonly double _threshold;

    /// <summary>Creates a policy.</summary>
    /// <param name="options">Threshold and switch; the defaults (enabled, 0.6) when <see langword="null"/>.</param>
    public AutonomyPolicy(AutonomyOptions? options = null)
    {
        options ??= new AutonomyOptions();
        if (options.Threshold is < 0 or > 1 || double.IsNaN(options.Threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Threshold, "Autonomy threshold must be between 0 and 1.");
        }

        _enabled = options.Enabled;
        _threshold = options.Threshold;
    }

    /// <summary>Decides whether to take <paramref name="task"/>.</summary>
    public AutonomyDecision Decide(Assignment task, AgentSnapshot agent, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (HardDecline(task, agent) is { } reason)
        {
            return new AutonomyDecision(false, 0, reason);
        }

        var score = Score(task, agent, now);
        var text = score.ToString("0.00", CultureInfo.InvariantCulture);
        var threshold = _threshold.ToString("0.00", CultureInfo.InvariantCulture);
        if (!_enabled)
        {
            return new AutonomyDecision(true, score, $"score {text}; autonomy disabled");
        }

        return score + Tolerance >= _threshold
            ? new AutonomyDecision(true, score, $"score {text} >= threshold {threshold}")
            : new AutonomyDecision(false, score, $"score {text} below threshold {threshold}");
    }

    /// <summary>The acceptance score alone, 0–1, assuming the agent holds every required capability.</summary>
    public static double Score(Assignment task, AgentSnapshot agent, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(task);
        var priority = Math.Clamp(task.Priority, 1, 5) / 5.0;
        var capacity = 1 - Math.Clamp((double)agent.InFlight / Math.Max(agent.Slots, 1), 0, 1);
        return (PriorityWeight * priority)
            + (CapabilityWeight * CapabilityFit(task.Requirements, agent.Capabilities))
            + (CapacityWeight * capacity)
            + (UrgencyWeight * Urgency(task.Deadline, now));
    }

    private static string? HardDecline(Assignment task, AgentSnapshot agent)
    {
        foreach (var requirement in task.Requirements)
        {
            var level = LevelOf(agent.Capabilities, requirement.Capability);
            if (level is null)
            {
                return $"missing capability '{requirement.Capability}'";
            }

            if (level.Value + Tolerance < requirement.MinLevel)
            {
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"capability '{requirement.Capability}' level {level.Value:0.0} below required {requirement.MinLevel:0.0}");
            }
        }

        if (agent.State == AgentRunState.Paused)
        {
            return "agent paused";
        }

        if (agent.State == AgentRunState.Draining)
        {
            return "agent draining";
        }

        if (task.RequiredSuccessRate is { } required && agent.SuccessRate + Tolerance < required)
        {
            return string.Create(CultureInfo.InvariantCulture, $"success rate {agent.SuccessRate:0.00} below required {required:0.00}");
        }

        return null;
    }

    private static double CapabilityFit(IReadOnlyList<Requirement> requirements, IReadOnlyList<Capability> capabilities)
    {
        if (requirements.Count == 0)
        {
            return 1.0;
        }

        var sum = 0.0;
        foreach (var requirement in requirements)
        {
            sum += Math.Clamp((LevelOf(capabilities, requirement.Capability) ?? 0) / 5.0, 0, 1);
        }

        return sum / requirements.Count;
    }

    private static double Urgency(DateTimeOffset? deadline, DateTimeOffset now)
    {
        if (deadline is null)
        {
            return 0.5;
        }

        var timeLeft = deadline.Value - now;
        return timeLeft <= TimeSpan.Zero ? 1.0 : 1 - Math.Min(timeLeft / UrgencyHorizon, 1);
    }

    private static double? LevelOf(IReadOnlyList<Capability> capabilities, string name)
    {
        for (var i = 0; i < capabilities.Count; i++)
        {
            if (string.Equals(capabilities[i].Name, name, StringComparison.Ordinal))
            {
                return capabilities[i].Level;
            }
        }

        return null;
    }
}
