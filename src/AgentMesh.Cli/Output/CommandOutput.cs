using System.Buffers;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace AgentMesh.Cli.Output;

/// <summary>
/// Where a command writes: <see cref="Out"/> for results (tables for people, JSON for scripts) and <see cref="Error"/>
/// for problems. Both come from the invocation, so tests capture them without touching <see cref="Console"/>.
/// </summary>
internal sealed class CommandOutput
{
    private const int RedirectedWidth = 200;

    public CommandOutput(TextWriter output, TextWriter error)
    {
        Out = output;
        Error = error;
        var ansiOutput = new AnsiConsoleOutput(output);
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = ansiOutput,
            Ansi = ansiOutput.IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ansiOutput.IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = ansiOutput.IsTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!ansiOutput.IsTerminal)
        {
            // Redirected output keeps whole ids on one line rather than wrapping at 80 columns.
            Ansi.Profile.Width = RedirectedWidth;
        }
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>Spectre.Console over <see cref="Out"/>: tables, markup, live displays.</summary>
    public IAnsiConsole Ansi { get; }

    /// <summary>Whether <see cref="Out"/> is a terminal a person watches (live displays only then).</summary>
    public bool IsInteractive => Ansi.Profile.Capabilities.Interactive;

    /// <summary>Writes one JSON document (UTF-8 bytes as the node sent them) on its own line.</summary>
    public Task WriteJsonAsync(ReadOnlyMemory<byte> utf8Json) => Out.WriteLineAsync(Encoding.UTF8.GetString(utf8Json.Span));

    /// <summary>Writes one JSON document built by <paramref name="write"/> on its own line.</summary>
    public Task WriteJsonAsync(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return WriteJsonAsync(buffer.WrittenMemory);
    }

    public Task WriteErrorAsync(string message) => Error.WriteLineAsync(message);
}
