using System.Net.Mail;

namespace PocDirectory.BuildingBlocks.Validation;

public static class EmailAddresses
{
    /// <summary>One plain address (no display name, no list) with a dotted domain, at most 254 characters.</summary>
    public static bool IsValid(string value) =>
        value.Length is > 3 and <= 254 && MailAddress.TryCreate(value, out var address) && address.Address == value && address.Host.Contains('.', StringComparison.Ordinal);
}
