using AgentMesh.Protection;

namespace AgentMesh.Cli.Encryption;

/// <summary>Prints a re-encryption's progress: after its first batch, then at most once a second.</summary>
internal sealed class ReencryptReport(TextWriter output, TimeProvider time) : IProgress<ReencryptProgress>
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private long? _printedAt;

    /// <summary>The last progress reported, printed or not.</summary>
    public ReencryptProgress Last { get; private set; }

    public void Report(ReencryptProgress value)
    {
        Last = value;
        if (_printedAt is { } printed && time.GetElapsedTime(printed) < Interval)
        {
            return;
        }

        _printedAt = time.GetTimestamp();
        output.WriteLine($"  {value.Scanned} tasks read, {value.Rewritten} re-encrypted, {value.Skipped} changed meanwhile");
    }
}
