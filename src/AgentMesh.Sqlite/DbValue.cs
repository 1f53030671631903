namespace AgentMesh.Sqlite;

/// <summary>Parameter values in their stored form: ids as lowercase text, times as UTC ticks, flags as 0/1.</summary>
internal static class DbValue
{
    private static readonly object True = 1L;
    private static readonly object False = 0L;

    public static object Text(string? value) => value is null ? DBNull.Value : value;

    public static object Id(Guid value) => value.ToString();

    public static object Id(Guid? value) => value is { } id ? id.ToString() : DBNull.Value;

    public static object Ticks(DateTimeOffset value) => value.UtcTicks;

    public static object Ticks(DateTimeOffset? value) => value is { } time ? time.UtcTicks : DBNull.Value;

    public static object Flag(bool value) => value ? True : False;

    public static object Number(double? value) => value is { } number ? number : DBNull.Value;
}
