using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace PocDirectory;

/// <summary>
/// A service's key-encryption key (<c>KeyEncryption:Key</c>): it encrypts the keys the service keeps
/// in its database or in Redis (token signing keys, data-protection keys), and is itself held only
/// outside them (<c>.pocdir/secrets/{service}-key-encryption-key</c> locally, a secret in a cluster).
/// Reading the database or Redis alone gives no usable key.
/// </summary>
public sealed class KeyEncryptionKey(byte[] bytes)
{
    public const string SettingName = "KeyEncryption:Key";

    public byte[] Bytes { get; } = bytes;

    public static KeyEncryptionKey From(IConfiguration configuration, string localFile) =>
        new(KeyMaterial.Decode(configuration[SettingName], SettingName, localFile));
}

/// <summary>
/// Encrypts ASP.NET Core's data-protection key ring entries with AES-256-GCM under the service's
/// <see cref="KeyEncryptionKey"/> (the framework's own hook for a key-encryption scheme, where
/// <c>ProtectKeysWithCertificate</c> would need a certificate).
/// </summary>
public sealed class SealedXmlEncryptor(KeyEncryptionKey key) : IXmlEncryptor
{
    internal const string ElementName = "sealedKey";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = System.Text.Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(12);
        var tag = new byte[16];
        var ciphertext = new byte[plaintext.Length];
        using (var aes = new AesGcm(key.Bytes, tag.Length))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag, "pocdir-data-protection-key"u8);
        }
        var element = new XElement(ElementName,
            new XAttribute("nonce", Convert.ToBase64String(nonce)),
            new XAttribute("tag", Convert.ToBase64String(tag)),
            Convert.ToBase64String(ciphertext));
        return new EncryptedXmlInfo(element, typeof(SealedXmlDecryptor));
    }
}

/// <summary>Opens what <see cref="SealedXmlEncryptor"/> sealed; made by the framework with the service's container.</summary>
public sealed class SealedXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var key = services.GetRequiredService<KeyEncryptionKey>();
        var nonce = Convert.FromBase64String((string)encryptedElement.Attribute("nonce")!);
        var tag = Convert.FromBase64String((string)encryptedElement.Attribute("tag")!);
        var ciphertext = Convert.FromBase64String(encryptedElement.Value);
        var plaintext = new byte[ciphertext.Length];
        using (var aes = new AesGcm(key.Bytes, tag.Length))
        {
            aes.Decrypt(nonce, ciphertext, tag, plaintext, "pocdir-data-protection-key"u8);
        }
        return XElement.Parse(System.Text.Encoding.UTF8.GetString(plaintext));
    }
}

public static class KeyEncryptionExtensions
{
    /// <summary>The data-protection keys this service writes are sealed under its key-encryption key.</summary>
    public static Microsoft.AspNetCore.DataProtection.IDataProtectionBuilder ProtectKeysWithKeyEncryptionKey(
        this Microsoft.AspNetCore.DataProtection.IDataProtectionBuilder builder, KeyEncryptionKey key)
    {
        builder.Services.AddSingleton(key);
        builder.Services.Configure<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(options =>
            options.XmlEncryptor = new SealedXmlEncryptor(key));
        return builder;
    }
}
