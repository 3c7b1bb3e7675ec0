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

    internal const byte Version = 1;

    /// <summary>Bound into every seal: what opens here was sealed as a data-protection key.</summary>
    internal static ReadOnlySpan<byte> Purpose => "pocdir-data-protection-key"u8;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = System.Text.Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var element = new XElement(ElementName, Convert.ToBase64String(Sealing.Seal(key.Bytes, Version, plaintext, Purpose)));
        return new EncryptedXmlInfo(element, typeof(SealedXmlDecryptor));
    }
}

/// <summary>Opens what <see cref="SealedXmlEncryptor"/> sealed; made by the framework with the service's container.</summary>
public sealed class SealedXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var key = services.GetRequiredService<KeyEncryptionKey>();
        var plaintext = Sealing.Open(key.Bytes, SealedXmlEncryptor.Version, Convert.FromBase64String(encryptedElement.Value), SealedXmlEncryptor.Purpose)
            ?? throw new CryptographicException("A data-protection key does not open under this service's key-encryption key.");
        return XElement.Parse(System.Text.Encoding.UTF8.GetString(plaintext));
    }
}

/// <summary>
/// The key ring as the service reads it: only keys sealed by <see cref="SealedXmlEncryptor"/>. The
/// framework would otherwise use a key stored in clear (or naming another decryptor) as it is, and
/// whoever can write to the database or Redis could plant one and read or forge every session it then
/// protects. Anything else in the ring (revocations) passes; writing is unchanged.
/// </summary>
public sealed class SealedKeysOnlyRepository(Microsoft.AspNetCore.DataProtection.Repositories.IXmlRepository inner)
    : Microsoft.AspNetCore.DataProtection.Repositories.IXmlRepository
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";

    public IReadOnlyCollection<XElement> GetAllElements() => [.. inner.GetAllElements().Where(IsSealedOrNoKey)];

    public void StoreElement(XElement element, string friendlyName) => inner.StoreElement(element, friendlyName);

    /// <summary>
    /// A key element whose one secret was sealed by this service's encryptor and which carries no secret
    /// in clear beside it (a planted master key placed before a genuine sealed one would be read first);
    /// or not a key at all.
    /// </summary>
    public static bool IsSealedOrNoKey(XElement element)
    {
        if (element.Name.LocalName != "key")
        {
            return true;
        }
        var secrets = element.Descendants(DataProtection + "encryptedSecret").ToList();
        return secrets is [var secret]
            && ((string?)secret.Attribute("decryptorType"))?.Split(',')[0].Trim() == typeof(SealedXmlDecryptor).FullName
            && secret.Element(SealedXmlEncryptor.ElementName) is not null
            && !element.Descendants().Any(e => e.Name.LocalName is "masterKey" or "value");
    }
}

public static class KeyEncryptionExtensions
{
    /// <summary>
    /// The data-protection keys this service writes are sealed under its key-encryption key, and only
    /// keys so sealed are read (<see cref="SealedKeysOnlyRepository"/>): keys from before, in clear, are
    /// no longer used, and a new sealed one is made in their place.
    /// </summary>
    public static Microsoft.AspNetCore.DataProtection.IDataProtectionBuilder ProtectKeysWithKeyEncryptionKey(
        this Microsoft.AspNetCore.DataProtection.IDataProtectionBuilder builder, KeyEncryptionKey key)
    {
        builder.Services.AddSingleton(key);
        builder.Services.Configure<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(options =>
            options.XmlEncryptor = new SealedXmlEncryptor(key));
        // After every Configure (the repository is set by PersistKeysTo…): wrap whichever it is.
        builder.Services.PostConfigure<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(options =>
            options.XmlRepository = new SealedKeysOnlyRepository(options.XmlRepository
                ?? throw new InvalidOperationException("Data protection needs a key repository before its keys can be sealed.")));
        return builder;
    }
}
