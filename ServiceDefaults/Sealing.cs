using System.Security.Cryptography;

namespace PocDirectory;

/// <summary>
/// The one AES-256-GCM seal of everything the system keeps or sends sealed (message bodies, token keys,
/// data-protection keys): a version byte, a random 96-bit nonce, the 128-bit tag, then the ciphertext,
/// bound by associated data to what it is for, so that a seal made for one thing does not open as another.
/// </summary>
public static class Sealing
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + NonceSize + TagSize;

    public static byte[] Seal(byte[] key, byte version, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> boundTo)
    {
        var sealedBytes = new byte[HeaderSize + plaintext.Length];
        sealedBytes[0] = version;
        RandomNumberGenerator.Fill(sealedBytes.AsSpan(1, NonceSize));
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(sealedBytes.AsSpan(1, NonceSize), plaintext, sealedBytes.AsSpan(HeaderSize), sealedBytes.AsSpan(1 + NonceSize, TagSize), boundTo);
        return sealedBytes;
    }

    /// <summary>The plaintext; null when the bytes are not a seal of this version made under this key for this purpose.</summary>
    public static byte[]? Open(byte[] key, byte version, ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> boundTo)
    {
        if (sealedBytes.Length < HeaderSize || sealedBytes[0] != version)
        {
            return null;
        }
        var plaintext = new byte[sealedBytes.Length - HeaderSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBytes.Slice(1, NonceSize), sealedBytes[HeaderSize..], sealedBytes.Slice(1 + NonceSize, TagSize), plaintext, boundTo);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
