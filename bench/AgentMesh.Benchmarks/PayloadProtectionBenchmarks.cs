using AgentMesh.Protection;
using BenchmarkDotNet.Attributes;

namespace AgentMesh.Benchmarks;

/// <summary>Encrypting a task input on the commit path and decrypting it on a read, at a typical and a large size.</summary>
[MemoryDiagnoser]
public class PayloadProtectionBenchmarks : IDisposable
{
    private AesGcmPayloadProtector _protector = null!;
    private string _plaintext = null!;
    private string _stored = null!;

    [Params(200, 4096)]
    public int InputBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _protector = new AesGcmPayloadProtector(new PayloadKeyring([new("k1", PayloadKeyring.NewKey())], "k1", "benchmark"));
        _plaintext = "{\"text\":\"" + new string('x', InputBytes - 11) + "\"}";
        _stored = _protector.Protect(_plaintext);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _protector?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "protect: input → amenc1 text")]
    public string Protect() => _protector.Protect(_plaintext);

    [Benchmark(Description = "unprotect: amenc1 text → input")]
    public string Unprotect() => _protector.Unprotect(_stored);
}
