using AgentMesh.Protection;

namespace AgentMesh.Sqlite.Tests;

/// <summary>Keyrings of fixed keys, named like configuration so errors can be checked for the setting.</summary>
internal static class Keyrings
{
    public const string Source = "AgentMesh:Encryption:Keys";

    public static readonly byte[] First = PayloadKeyring.NewKey();
    public static readonly byte[] Second = PayloadKeyring.NewKey();

    public static AesGcmPayloadProtector Protector(string current, params (string Id, byte[] Key)[] keys) =>
        new(new PayloadKeyring(keys.Select(static k => new KeyValuePair<string, byte[]>(k.Id, k.Key)), current, Source));

    public static AesGcmPayloadProtector OnlyFirst() => Protector("k1", ("k1", First));

    public static AesGcmPayloadProtector Rotated() => Protector("k2", ("k1", First), ("k2", Second));

    public static AesGcmPayloadProtector OnlySecond() => Protector("k2", ("k2", Second));
}
