using AgentMesh.Protection;

namespace AgentMesh.Core.Tests.Protection;

public sealed class AesGcmPayloadProtectorTests : IDisposable
{
    private readonly AesGcmPayloadProtector _protector = new(new PayloadKeyring([new("k1", PayloadKeyring.NewKey())], "k1", "test keys"));

    [Theory]
    [InlineData("")]
    [InlineData("""{"n":1}""")]
    [InlineData("""{"text":"héllo wörld \u202e ‍ 𝄞 ١٢٣"}""")]
    public void Unprotect_WhatProtectWrote_ReturnsThePlaintext(string plaintext)
    {
        var stored = _protector.Protect(plaintext);

        Assert.StartsWith("amenc1:k1:", stored, StringComparison.Ordinal);
        Assert.Equal(plaintext, _protector.Unprotect(stored));
        Assert.True(_protector.IsCurrent(stored));
    }

    [Fact]
    public void Unprotect_ClearJson_ReturnsItUnchangedAndNotCurrent()
    {
        Assert.Equal("""{"n":1}""", _protector.Unprotect("""{"n":1}"""));
        Assert.False(_protector.IsCurrent("""{"n":1}"""));
    }

    [Fact]
    public void Unprotect_OneCiphertextByteChanged_FailsInsteadOfReturningGarbage()
    {
        var stored = _protector.Protect("""{"amount":100}""").ToCharArray();
        var middle = stored.Length - 12;
        stored[middle] = stored[middle] == 'A' ? 'B' : 'A';

        var error = Assert.Throws<InvalidOperationException>(() => _protector.Unprotect(new string(stored)));

        Assert.Contains("does not decrypt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unprotect_KeyIdRelabelled_Fails()
    {
        using var other = new AesGcmPayloadProtector(new PayloadKeyring([new("k1", PayloadKeyring.NewKey()), new("k2", PayloadKeyring.NewKey())], "k2", "test keys"));
        var relabelled = _protector.Protect("""{"n":1}""").Replace("amenc1:k1:", "amenc1:k2:", StringComparison.Ordinal);

        Assert.Throws<InvalidOperationException>(() => other.Unprotect(relabelled));
    }

    [Fact]
    public void Keyring_KeyOfWrongLength_FailsNamingTheSource()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new PayloadKeyring([new("k1", new byte[16])], "k1", "AgentMesh:Encryption:Keys"));

        Assert.Contains("AgentMesh:Encryption:Keys", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _protector.Dispose();
}
