using System.Text.Json;
using AgentMesh.Client.Autonomy;
using AgentMesh.Client.Worker;

namespace AgentMesh.Client.Tests.Autonomy;

public class AutonomyPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private static readonly Capability[] Summarizer = [new("summarize", 4)];

    [Fact]
    public void Decide_Priority3Level4IdleNoDeadline_Accepts()
    {
        var decision = new AutonomyPolicy().Decide(Task(3, new Requirement("summarize", 3)), Idle(), Now);

        Assert.True(decision.Accept);
        Assert.Equal(0.24 + 0.24 + 0.2 + 0.05, decision.Score, 9);
        Assert.Equal("score 0.73 >= threshold 0.60", decision.Reason);
    }

    [Fact]
    public void Decide_NoRequirements_CountsFullCapabilityFit()
    {
        var decision = new AutonomyPolicy().Decide(Task(3), Idle(), Now);

        Assert.Equal(0.24 + 0.30 + 0.2 + 0.05, decision.Score, 9);
    }

    [Fact]
    public void Decide_TwoRequirements_AveragesLevels()
    {
        var agent = Idle() with { Capabilities = [new("summarize", 4), new("translate", 2)] };

        var decision = new AutonomyPolicy().Decide(Task(5, new("summarize", 1), new("translate", 1)), agent, Now);

        Assert.Equal(0.40 + (0.30 * 0.6) + 0.2 + 0.05, decision.Score, 9);
    }

    [Fact]
    public void Decide_HalfBusy_HalvesCapacityTerm()
    {
        var agent = Idle() with { InFlight = 2, Slots = 4 };

        var decision = new AutonomyPolicy().Decide(Task(3, new Requirement("summarize", 3)), agent, Now);

        Assert.Equal(0.24 + 0.24 + 0.1 + 0.05, decision.Score, 9);
        Assert.True(decision.Accept);
    }

    [Fact]
    public void Decide_LowPriorityBusyAgent_DeclinesBelowThreshold()
    {
        var agent = Idle() with { InFlight = 3, Slots = 4 };

        var decision = new AutonomyPolicy().Decide(Task(1, new Requirement("summarize", 3)), agent, Now);

        Assert.False(decision.Accept);
        Assert.Equal(0.08 + 0.24 + 0.05 + 0.05, decision.Score, 9);
        Assert.Equal("score 0.42 below threshold 0.60", decision.Reason);
    }

    [Fact]
    public void Decide_MoreInFlightThanSlots_ClampsCapacityToZero()
    {
        var agent = Idle() with { InFlight = 6, Slots = 4 };

        var decision = new AutonomyPolicy().Decide(Task(5), agent, Now);

        Assert.Equal(0.40 + 0.30 + 0 + 0.05, decision.Score, 9);
    }

    [Fact]
    public void Decide_DeadlinePassed_UrgencyIsOne()
    {
        var decision = new AutonomyPolicy().Decide(Task(3) with { Deadline = Now.AddSeconds(-1) }, Idle(), Now);

        Assert.Equal(0.24 + 0.30 + 0.2 + 0.10, decision.Score, 9);
    }

    [Fact]
    public void Decide_DeadlineIn15Minutes_UrgencyIsThreeQuarters()
    {
        var decision = new AutonomyPolicy().Decide(Task(3) with { Deadline = Now.AddMinutes(15) }, Idle(), Now);

        Assert.Equal(0.24 + 0.30 + 0.2 + 0.075, decision.Score, 9);
    }

    [Fact]
    public void Decide_DeadlineInTwoHours_UrgencyIsZero()
    {
        var decision = new AutonomyPolicy().Decide(Task(3) with { Deadline = Now.AddHours(2) }, Idle(), Now);

        Assert.Equal(0.24 + 0.30 + 0.2, decision.Score, 9);
    }

    [Fact]
    public void Decide_MissingCapability_DeclinesWithReason()
    {
        var decision = new AutonomyPolicy().Decide(Task(5, new Requirement("translate", 1)), Idle(), Now);

        Assert.Equal(new AutonomyDecision(false, 0, "missing capability 'translate'"), decision);
    }

    [Fact]
    public void Decide_LevelBelowMinLevel_DeclinesWithReason()
    {
        var decision = new AutonomyPolicy().Decide(Task(5, new Requirement("summarize", 4.5)), Idle(), Now);

        Assert.False(decision.Accept);
        Assert.Equal("capability 'summarize' level 4.0 below required 4.5", decision.Reason);
    }

    [Fact]
    public void Decide_Paused_Declines()
    {
        var decision = new AutonomyPolicy().Decide(Task(5), Idle() with { State = AgentRunState.Paused }, Now);

        Assert.Equal(new AutonomyDecision(false, 0, "agent paused"), decision);
    }

    [Fact]
    public void Decide_Draining_Declines()
    {
        var decision = new AutonomyPolicy().Decide(Task(5), Idle() with { State = AgentRunState.Draining }, Now);

        Assert.Equal(new AutonomyDecision(false, 0, "agent draining"), decision);
    }

    [Fact]
    public void Decide_SuccessRateBelowRequired_Declines()
    {
        var decision = new AutonomyPolicy().Decide(Task(5) with { RequiredSuccessRate = 0.9 }, Idle() with { SuccessRate = 0.8 }, Now);

        Assert.Equal(new AutonomyDecision(false, 0, "success rate 0.80 below required 0.90"), decision);
    }

    [Fact]
    public void Decide_SuccessRateAtRequired_Accepts()
    {
        var decision = new AutonomyPolicy().Decide(Task(5) with { RequiredSuccessRate = 0.9 }, Idle() with { SuccessRate = 0.9 }, Now);

        Assert.True(decision.Accept);
    }

    [Fact]
    public void Decide_ScoreExactlyAtThreshold_Accepts()
    {
        var policy = new AutonomyPolicy(new AutonomyOptions { Threshold = 0.73 });

        var decision = policy.Decide(Task(3, new Requirement("summarize", 3)), Idle(), Now);

        Assert.True(decision.Accept);
    }

    [Fact]
    public void Decide_HigherThreshold_Declines()
    {
        var policy = new AutonomyPolicy(new AutonomyOptions { Threshold = 0.8 });

        var decision = policy.Decide(Task(3, new Requirement("summarize", 3)), Idle(), Now);

        Assert.False(decision.Accept);
        Assert.Equal("score 0.73 below threshold 0.80", decision.Reason);
    }

    [Fact]
    public void Decide_Disabled_AcceptsBelowThreshold()
    {
        var policy = new AutonomyPolicy(new AutonomyOptions { Enabled = false });

        var decision = policy.Decide(Task(1, new Requirement("summarize", 3)), Idle() with { InFlight = 4 }, Now);

        Assert.True(decision.Accept);
        Assert.Equal("score 0.37; autonomy disabled", decision.Reason);
    }

    [Fact]
    public void Decide_Disabled_StillDeclinesMissingCapability()
    {
        var policy = new AutonomyPolicy(new AutonomyOptions { Enabled = false });

        var decision = policy.Decide(Task(5, new Requirement("translate", 1)), Idle(), Now);

        Assert.False(decision.Accept);
    }

    [Fact]
    public void Constructor_ThresholdAboveOne_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new AutonomyPolicy(new AutonomyOptions { Threshold = 1.5 }));

    private static AgentSnapshot Idle() => new(Summarizer, InFlight: 0, Slots: 4, AgentRunState.Active, SuccessRate: 1.0);

    private static Assignment Task(int priority, params Requirement[] requirements) => new()
    {
        TaskId = "t1",
        LeaseToken = "l1",
        Type = "summarize",
        Input = JsonDocument.Parse("{}").RootElement,
        Priority = priority,
        Requirements = requirements,
    };
}
