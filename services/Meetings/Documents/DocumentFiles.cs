using System.IO.Compression;
using System.Text;

namespace PocDirectory.Meetings.Documents;

/// <summary>
/// The kinds of file a meeting's document may be, recognised by their content and agreeing with the
/// file's name: a PDF, a Word document (.docx), an OpenDocument text (.odt) or plain UTF-8 text. Anything
/// else, or a file whose content is not what its name says, is refused (415), so that a download is
/// always what it claims to be.
/// </summary>
public static class DocumentFiles
{
    public const string Pdf = "application/pdf";
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string Odt = "application/vnd.oasis.opendocument.text";
    public const string Text = "text/plain; charset=utf-8";

    /// <summary>The extensions accepted and the type each must have.</summary>
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".pdf"] = Pdf,
        [".docx"] = Docx,
        [".odt"] = Odt,
        [".txt"] = Text,
    };

    public const string Accepted = "a PDF, a Word document (.docx), an OpenDocument text (.odt) or a plain text file (.txt, UTF-8)";

    /// <summary>A file name fit to keep and to send back: its last segment, without control or quote characters, at most 200 characters.</summary>
    public static string? CleanName(string? fileName)
    {
        var name = Path.GetFileName((fileName ?? "").Replace('\\', '/')).Trim();
        name = new string(name.Where(c => !char.IsControl(c) && c is not ('"' or '/' or '\\')).ToArray());
        return name.Length is 0 or > 200 || name.StartsWith('.') ? null : name;
    }

    /// <summary>The type of <paramref name="content"/> when it is one accepted and agrees with <paramref name="fileName"/>'s extension; null otherwise.</summary>
    public static string? Recognise(string fileName, byte[] content)
    {
        if (!ByExtension.TryGetValue(Path.GetExtension(fileName), out var claimed))
        {
            return null;
        }
        var actual = content switch
        {
            _ when content.AsSpan().StartsWith("%PDF-"u8) => Pdf,
            _ when content.AsSpan().StartsWith("PK\x03\x04"u8) => Package(content),
            _ when IsText(content) => Text,
            _ => null,
        };
        return actual == claimed ? actual : null;
    }

    /// <summary>A zip that is a Word document (it holds word/document.xml) or an OpenDocument text (its mimetype says so).</summary>
    private static string? Package(byte[] content)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content), ZipArchiveMode.Read);
            if (zip.GetEntry("word/document.xml") is not null && zip.GetEntry("[Content_Types].xml") is not null)
            {
                return Docx;
            }
            if (zip.GetEntry("mimetype") is { Length: < 100 } mimetype)
            {
                using var reader = new StreamReader(mimetype.Open(), Encoding.ASCII);
                return reader.ReadToEnd().Trim() == Odt ? Odt : null;
            }
            return null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Valid UTF-8 without NUL or other control characters than line breaks, tabs and form feeds.</summary>
    private static bool IsText(byte[] content)
    {
        try
        {
            var text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(content);
            return !text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t' or '\f'));
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
