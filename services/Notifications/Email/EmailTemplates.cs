using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using Fluid;

namespace PocDirectory.Notifications.Email;

/// <summary>A rendered e-mail: the subject, the plain text, and the same text as HTML with every value escaped.</summary>
public sealed record RenderedEmail(string Subject, string Text, string Html);

/// <summary>
/// The e-mail templates (Liquid, embedded in the service as <c>Email/Templates/{name}.liquid</c>): a
/// <c>subject:</c> line, a <c>---</c> line, then the body. Each is rendered twice: as plain text, and
/// HTML-encoded (values cannot inject markup) into a minimal HTML document.
/// </summary>
public sealed class EmailTemplates
{
    private static readonly FluidParser Parser = new();
    private readonly ConcurrentDictionary<string, (IFluidTemplate Subject, IFluidTemplate Body)?> _templates = new();

    public bool Exists(string name) => Load(name) is not null;

    public RenderedEmail Render(string name, IReadOnlyDictionary<string, string> values)
    {
        var (subject, body) = Load(name) ?? throw new ArgumentException($"No e-mail template '{name}'.", nameof(name));
        var context = new TemplateContext();
        foreach (var (key, value) in values)
        {
            context.SetValue(key, value);
        }
        // A subject is one header line: nothing a value holds may start another header.
        var subjectText = string.Join(' ', subject.Render(context, NullEncoder.Default).Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        var text = body.Render(context, NullEncoder.Default).Trim();
        var html = $"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>{HtmlEncoder.Default.Encode(subjectText)}</title></head>
            <body><div style="font-family: sans-serif; white-space: pre-wrap">{body.Render(context, HtmlEncoder.Default).Trim()}</div></body></html>
            """;
        return new RenderedEmail(subjectText, text, html);
    }

    private (IFluidTemplate Subject, IFluidTemplate Body)? Load(string name) => _templates.GetOrAdd(name, static name =>
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z][a-z0-9-]{0,63}$"))
        {
            return null;
        }
        using var stream = typeof(EmailTemplates).Assembly.GetManifestResourceStream($"templates/{name}.liquid");
        if (stream is null)
        {
            return null;
        }
        var source = new StreamReader(stream).ReadToEnd().ReplaceLineEndings("\n");
        var separator = source.IndexOf("\n---\n", StringComparison.Ordinal);
        var head = source[..separator];
        var subjectLine = head.Split('\n').Single(l => l.StartsWith("subject:", StringComparison.Ordinal))["subject:".Length..];
        return (Parse(name, subjectLine), Parse(name, source[(separator + 5)..]));
    });

    private static IFluidTemplate Parse(string name, string source) =>
        Parser.TryParse(source, out var template, out var error)
            ? template
            : throw new InvalidOperationException($"E-mail template '{name}' does not parse: {error}");
}
