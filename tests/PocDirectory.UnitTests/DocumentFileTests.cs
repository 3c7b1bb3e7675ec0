using System.IO.Compression;
using System.Text;
using PocDirectory.Meetings.Documents;

namespace PocDirectory.UnitTests;

/// <summary>What a meeting's document may be: recognised by its content, which must agree with its name.</summary>
public sealed class DocumentFileTests
{
    private static byte[] Zip(params (string Name, string Text)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(text);
            }
        }
        return buffer.ToArray();
    }

    private static readonly byte[] Pdf = "%PDF-1.7\n%%EOF\n"u8.ToArray();
    private static readonly byte[] Docx = Zip(("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<document/>"));
    private static readonly byte[] Odt = Zip(("mimetype", DocumentFiles.Odt), ("content.xml", "<office:document-content/>"));

    public static TheoryData<string, byte[], string?> Files => new()
    {
        { "agenda.pdf", Pdf, DocumentFiles.Pdf },
        { "AGENDA.PDF", Pdf, DocumentFiles.Pdf },
        { "elements.docx", Docx, DocumentFiles.Docx },
        { "elements.odt", Odt, DocumentFiles.Odt },
        { "statement.txt", Encoding.UTF8.GetBytes("Déclaration — بيان\r\n\tfin"), DocumentFiles.Text },
        // Content that is not what the name says.
        { "agenda.pdf", Docx, null },
        { "elements.docx", Pdf, null },
        { "elements.docx", Odt, null },
        { "elements.odt", Docx, null },
        { "agenda.pdf", "<html><script>alert(1)</script></html>"u8.ToArray(), null },
        { "statement.txt", "text\0more"u8.ToArray(), null }, // a NUL: not text
        { "statement.txt", new byte[] { 0xC3, 0x28 }, null }, // not UTF-8
        { "elements.docx", Zip(("word/document.xml", "<document/>")), null }, // no content types: not a package
        { "elements.odt", Zip(("mimetype", "application/zip")), null },
        { "elements.docx", "PK\x03\x04 broken"u8.ToArray(), null },
        // Names whose kind is not accepted, whatever the content.
        { "page.html", "<p>x</p>"u8.ToArray(), null },
        { "tool.exe", new byte[] { 0x4D, 0x5A }, null },
        { "agenda", Pdf, null },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void A_file_is_recognised_only_when_its_content_is_what_its_name_says(string fileName, byte[] content, string? expected) =>
        Assert.Equal(expected, DocumentFiles.Recognise(fileName, content));

    [Theory]
    [InlineData("agenda.pdf", "agenda.pdf")]
    [InlineData("C:\\Users\\chair\\agenda.pdf", "agenda.pdf")]
    [InlineData("../../etc/passwd.txt", "passwd.txt")]
    [InlineData("a\"b\r\n.pdf", "ab.pdf")]
    [InlineData("../", null)]
    [InlineData(".hidden.pdf", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void A_file_name_is_kept_as_its_last_segment_without_quotes_or_control_characters(string? given, string? kept) =>
        Assert.Equal(kept, DocumentFiles.CleanName(given));
}
