using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace AgentMesh.Cli.Output;

/// <summary>How values look in tables: UTC times, thousands separators, short JSON.</summary>
internal static class Format
{
    public static string Time(DateTimeOffset? time) =>
        time is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    public static string Clock(DateTimeOffset? time) =>
        time is { } value ? value.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) : "--:--:--.---";

    public static string Number(long? value) => value is { } number ? number.ToString("N0", CultureInfo.InvariantCulture) : "-";

    public static string Level(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    public static string Percent(double ratio) => ratio.ToString("P0", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan? span) => span switch
    {
        null => "-",
        { TotalSeconds: < 1 } s => $"{s.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms",
        { TotalMinutes: < 1 } s => $"{s.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s",
        { TotalHours: < 1 } s => $"{(int)s.TotalMinutes}m{s.Seconds:00}s",
        TimeSpan s => $"{(int)s.TotalHours}h{s.Minutes:00}m",
    };

    /// <summary>Compact JSON, cut to <paramref name="max"/> characters.</summary>
    public static string Json(JsonElement? value, int max = 160)
    {
        if (value is not { } element || element.ValueKind == JsonValueKind.Undefined)
        {
            return "-";
        }

        var text = element.GetRawText();
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
    }

    public static Grid Grid()
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn().NoWrap().PadRight(2));
        grid.AddColumn();
        return grid;
    }

    public static void Row(Grid grid, string name, string? value) =>
        grid.AddRow(new Markup($"[grey]{Markup.Escape(name)}[/]"), new Text(value ?? "-"));
}
