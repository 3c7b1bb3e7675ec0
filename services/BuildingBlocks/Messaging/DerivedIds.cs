using System.Security.Cryptography;
using System.Text;

namespace PocDirectory.BuildingBlocks.Messaging;

/// <summary>
/// Ids derived from what they stand for (RFC 9562 version 8, from SHA-256): the e-mail of a ping to one
/// recipient, or of one focal point for one request, has the same id however often it is asked for, so
/// Notifications sends it once.
/// </summary>
public static class DerivedIds
{
    public static Guid From(params ReadOnlySpan<string> parts)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts.ToArray())));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }
}
