using System.Text.RegularExpressions;
using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;

namespace PocDirectory;

/// <summary>The system's data classes, as the logs' redaction knows them.</summary>
public static class DataTaxonomy
{
    public const string Name = "PocDirectory";

    /// <summary>
    /// Free text from outside that may name a person's address: a mail server's answer ("450 &lt;someone@…&gt;: greylisted").
    /// Logged with its addresses masked (<see cref="EmailAddressRedactor"/>).
    /// </summary>
    public static DataClassification ContactText { get; } = new(Name, nameof(ContactText));
}

/// <summary>Marks a logged value as <see cref="DataTaxonomy.ContactText"/>.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ContactTextAttribute() : DataClassificationAttribute(DataTaxonomy.ContactText);

/// <summary>Masks every e-mail address in a text and keeps the rest of it readable: "[address]" takes each one's place.</summary>
public sealed partial class EmailAddressRedactor : Redactor
{
    public const string Masked = "[address]";

    public static string Mask(string text) => Address().Replace(text, Masked);

    public override int GetRedactedLength(ReadOnlySpan<char> input) => Mask(input.ToString()).Length;

    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        var redacted = Mask(source.ToString());
        redacted.AsSpan().CopyTo(destination);
        return redacted.Length;
    }

    // An address as mail servers write it in their answers, with or without angle brackets: a local part, quoted or of
    // any characters but spaces and the delimiters around addresses (so "josé" too), an @, and a domain alike.
    [GeneratedRegex("""(?:"[^"\r\n]*"|[^\s<>()\[\],;:@"]+)@[^\s<>()\[\],;:@"]+""", RegexOptions.CultureInvariant)]
    private static partial Regex Address();
}
