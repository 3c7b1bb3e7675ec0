using Microsoft.AspNetCore.Identity;
using QRCoder;

namespace PocDirectory.Identity.Accounts;

/// <summary>An authenticator app's key as a person sets it up: typed (grouped by four) or scanned (a QR code of its otpauth URI).</summary>
public sealed record AuthenticatorKey(string Formatted, string QrCodeDataUri);

public static class AuthenticatorKeys
{
    public const string Issuer = "POC Directory";

    /// <summary>The account's key, made first when it has none, or made anew when <paramref name="fresh"/>.</summary>
    public static async Task<AuthenticatorKey> ShowAsync(UserManager<PocUser> users, PocUser user, bool fresh = false)
    {
        var key = fresh ? null : await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user) ?? throw new InvalidOperationException("No authenticator key.");
        }
        var uri = $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(user.Email!)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&digits=6";
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return new AuthenticatorKey(
            string.Join(' ', key.ToLowerInvariant().Chunk(4).Select(c => new string(c))),
            "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(6)));
    }

    /// <summary>Whether <paramref name="code"/> is the app's current code (spaces and dashes ignored).</summary>
    public static Task<bool> VerifyAsync(UserManager<PocUser> users, PocUser user, string? code) =>
        users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider,
            (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal));
}
