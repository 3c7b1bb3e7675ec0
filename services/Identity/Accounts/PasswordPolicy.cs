using Microsoft.AspNetCore.Identity;

namespace PocDirectory.Identity.Accounts;

/// <summary>
/// Beyond the length (12 characters, set in the Identity options): no password that is common, made
/// of one repeated character or a keyboard or number run, or built from the person's own address or
/// name. No rules on character classes, as NIST SP 800-63B advises.
/// </summary>
public sealed class PasswordPolicy : IPasswordValidator<PocUser>
{
    public const int MinimumLength = 12;

    /// <summary>Passwords of 12 characters or more found at the top of published breach lists, lower-cased.</summary>
    private static readonly HashSet<string> Common = new(StringComparer.Ordinal)
    {
        "123456789012", "1234567890123", "12345678901234", "123456789123", "1234567891011", "111111111111",
        "000000000000", "123123123123", "password1234", "password12345", "password123456", "passwordpassword",
        "qwertyuiopasdfgh", "qwertyuiop12", "qwertyuiop123", "qwerty123456", "1q2w3e4r5t6y", "1qaz2wsx3edc",
        "qazwsxedcrfv", "iloveyou1234", "welcome12345", "welcome123456", "letmein12345", "administrator",
        "administrator1", "changeme1234", "abcdefghijkl", "abc123456789", "football1234", "baseball1234",
        "monkey123456", "dragon123456", "sunshine1234", "princess1234", "superman1234", "trustno11234",
        "p@ssw0rd1234", "p@ssword1234", "passw0rd1234", "zaq12wsxcde3", "asdfghjkl123", "zxcvbnm12345",
        "correcthorsebatterystaple", "myspace12345", "facebook1234", "1234qwerasdf", "qwerasdfzxcv",
        "summer202020", "winter202020", "spring202020", "autumn202020", "unitednations", "unitednations1",
        "cybersecurity", "cybersecurity1", "pointofcontact", "directory1234",
    };

    private static readonly string[] Runs = ["0123456789012345678901234567890", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm"];

    public Task<IdentityResult> ValidateAsync(UserManager<PocUser> manager, PocUser user, string? password)
    {
        var errors = new List<IdentityError>();
        var lower = (password ?? "").ToLowerInvariant();
        if (Common.Contains(lower))
        {
            errors.Add(new IdentityError { Code = "PasswordCommon", Description = "This password is one of the most common ones: choose another." });
        }
        else if (lower.Length > 0 && (lower.Distinct().Count() <= 2 || Runs.Any(run => run.Contains(lower, StringComparison.Ordinal))))
        {
            errors.Add(new IdentityError { Code = "PasswordPattern", Description = "This password is a simple pattern: choose another." });
        }
        var local = user.Email?.Split('@')[0].ToLowerInvariant();
        if (local is { Length: >= 4 } && lower.Contains(local, StringComparison.Ordinal)
            || user.DisplayName.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(part => part.Length >= 4 && lower.Contains(part.ToLowerInvariant(), StringComparison.Ordinal)))
        {
            errors.Add(new IdentityError { Code = "PasswordPersonal", Description = "The password must not contain your name or e-mail address." });
        }
        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }
}
