using System.Globalization;
using AgentMesh.Cli.Output;

namespace AgentMesh.Cli.Tokens;

/// <summary>Reads <c>--expires</c>: a number with a unit (<c>90s</c>, <c>30m</c>, <c>1h</c>, <c>7d</c>).</summary>
internal static class TokenLifetime
{
    public static TimeSpan Parse(string text)
    {
        if (text.Length >= 2
            && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            && amount > 0)
        {
            TimeSpan? lifetime = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (lifetime is { } value)
            {
                return value;
            }
        }

        throw new UsageException($"--expires '{text}' must be a positive number with a unit: s, m, h or d (e.g. 1h).");
    }
}
