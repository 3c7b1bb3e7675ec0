using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace PocDirectory;

/// <summary>
/// The browser's address as the Web tells the gateway, in a form the gateway can trust: the address
/// and the time, with an HMAC-SHA256 under a key only the Web and the gateway hold
/// (<c>.pocdir/secrets/forwarded-client-key</c>). A bare header anyone could send is never believed;
/// a signed one older than <see cref="MaxAge"/> is not either. Written once for both.
/// </summary>
public static class ForwardedClient
{
    public const string HeaderName = "X-PocDir-Client";

    /// <summary>The shared key (at least 32 characters), from the AppHost's secret of that name.</summary>
    public const string KeyConfiguration = "ForwardedClient:Key";

    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    /// <summary>The key from configuration, or null when none (or too short a one) is set: then nothing is signed or believed.</summary>
    public static byte[]? Key(IConfiguration configuration) =>
        configuration[KeyConfiguration] is { Length: >= 32 } key ? Encoding.UTF8.GetBytes(key) : null;

    /// <summary>"address;unix seconds;signature".</summary>
    public static string Sign(IPAddress address, DateTimeOffset now, byte[] key)
    {
        var payload = $"{address};{now.ToUnixTimeSeconds()}";
        return payload + ";" + System.Buffers.Text.Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(payload)));
    }

    /// <summary>The address a header signed with <paramref name="key"/> names, or null if the header is malformed, forged or stale.</summary>
    public static IPAddress? Verify(string? header, DateTimeOffset now, byte[] key)
    {
        if (header is null || header.Length > 128)
        {
            return null;
        }
        var parts = header.Split(';');
        if (parts is not { Length: 3 } || parts[2].Length > 64 || !long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return null;
        }
        var expected = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{parts[0]};{parts[1]}"));
        Span<byte> given = stackalloc byte[48];
        if (!System.Buffers.Text.Base64Url.TryDecodeFromChars(parts[2], given, out var written)
            || !CryptographicOperations.FixedTimeEquals(expected, given[..written]))
        {
            return null;
        }
        var age = now - DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        return age.Duration() <= MaxAge && IPAddress.TryParse(parts[0], out var address) ? address : null;
    }
}
