using System.Text.Json;

namespace AgentMesh.Cli.Output;

/// <summary>Enum values as the protocol spells them (<c>dead_lettered</c>), for options and display.</summary>
internal static class SnakeCase
{
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static string[] Names<TEnum>()
        where TEnum : struct, Enum => [.. Enum.GetValues<TEnum>().Select(Name)];

    public static TEnum? Parse<TEnum>(string? text)
        where TEnum : struct, Enum =>
        text is null ? null : Enum.GetValues<TEnum>().First(v => string.Equals(Name(v), text, StringComparison.Ordinal));
}
