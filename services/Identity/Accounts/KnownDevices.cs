using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Accounts;

/// <summary>A browser an account has signed in from, known by a random cookie of its own (only its hash is kept).</summary>
public sealed class KnownDevice
{
    public long Id { get; set; }

    public string UserId { get; set; } = "";

    public byte[] DeviceHash { get; set; } = [];

    public DateTimeOffset FirstSeen { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    public string? UserAgent { get; set; }
}

/// <summary>
/// Tells a person by e-mail when their account signs in from a browser it never signed in from:
/// someone who learnt the password and stole a second factor is seen at once.
/// </summary>
public sealed class KnownDevices(PocIdentityDbContext db, ILookupNormalizer normalizer, IConfiguration configuration, TimeProvider clock)
{
    public const string CookieName = "pocdir-device";

    /// <summary>Whether this browser has signed in to the account with <paramref name="email"/> before (false for an unknown address).</summary>
    public async Task<bool> IsKnownAsync(string? email, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(email) || email.Length > 256 || DeviceHash(http) is not { } hash)
        {
            return false;
        }
        var normalized = normalizer.NormalizeEmail(email);
        return await db.KnownDevices.AnyAsync(d => d.DeviceHash == hash && db.Users.Any(u => u.Id == d.UserId && u.NormalizedEmail == normalized), ct);
    }

    /// <summary>Whether this browser has signed in to <paramref name="user"/> before.</summary>
    public async Task<bool> IsKnownAsync(PocUser user, HttpContext http, CancellationToken ct) =>
        DeviceHash(http) is { } hash && await db.KnownDevices.AnyAsync(d => d.UserId == user.Id && d.DeviceHash == hash, ct);

    private static byte[]? DeviceHash(HttpContext http) =>
        http.Request.Cookies[CookieName] is { Length: > 0 and <= 64 } token ? Hash(token) : null;

    /// <summary>What is kept of a browser's token: its hash only.</summary>
    private static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token));

    public async Task SignedInAsync(PocUser user, HttpContext http, bool notify, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var presented = DeviceHash(http);
        var device = presented is null ? null
            : await db.KnownDevices.SingleOrDefaultAsync(d => d.UserId == user.Id && d.DeviceHash == presented, ct);
        if (device is not null)
        {
            device.LastSeen = now;
            await db.SaveChangesAsync(ct);
            return;
        }
        // A browser new to this account gets a token made here, never the one it brought: a token someone
        // planted in the person's browser must not become one the account knows (and trusts).
        var token = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        http.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps || TransportSecurity.CookiePolicy(AuthenticationExtensions.Issuer(configuration)) == CookieSecurePolicy.Always,
            Path = "/account",
            MaxAge = TimeSpan.FromDays(400),
            IsEssential = true,
        });
        var agent = http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua[..Math.Min(ua.Length, 300)] : null;
        db.KnownDevices.Add(new KnownDevice
        {
            UserId = user.Id, DeviceHash = Hash(token), FirstSeen = now, LastSeen = now, UserAgent = agent,
        });
        if (notify)
        {
            db.AddSecurityNotice(user, "Sign-in from a new browser",
                $"From address {http.Connection.RemoteIpAddress}, with {agent ?? "an unnamed browser"}.", clock);
        }
        await db.SaveChangesAsync(ct);
    }
}
