using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace PocDirectory.EndToEndTests;

/// <summary>A meeting's documents through the gateway: uploaded by the Chair's office, checked by content and size, versioned, public or not.</summary>
[Collection(SystemCollection.Name)]
public sealed class DocumentsTests(SystemFixture fixture)
{
    private static byte[] Pdf(string text, int padding = 0) =>
        Encoding.ASCII.GetBytes($"%PDF-1.4\n% {text}\n{new string(' ', padding)}\n%%EOF\n");

    /// <summary>A Word document's package, as small as a reader recognises it.</summary>
    private static byte[] Docx()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, xml) in new[]
            {
                ("[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"),
                ("word/document.xml", "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body/></w:document>"),
            })
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(xml);
            }
        }
        return buffer.ToArray();
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient http, string path, byte[] content, string contentType = "application/octet-stream")
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await http.PostAsync(path, body);
    }

    [Fact]
    public async Task The_Chairs_office_circulates_versioned_documents_the_public_reads_the_public_ones_and_a_file_that_is_not_what_it_says_is_refused()
    {
        var system = fixture.System;
        var chairToken = await DirectoryFlow.TokenOfAsync(system, "documents-chair", Roles.ChairOffice);
        using var chair = DirectoryFlow.Client(system, chairToken);
        using var delegateOfFrance = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "documents-delegate", Roles.Delegate, "FRA"));
        using var anonymous = DirectoryFlow.Client(system, null);
        var year = DateTime.UtcNow.Year + 1;
        var id = await MeetingsFlow.ScheduleAsync(system, chairToken, new
        {
            kind = "substantive-session", title = "Eighth Substantive Session", format = "in-person", audience = new[] { "member-states", "public" },
            time = new { precision = "days", date = $"{year}-07-06", endDate = $"{year}-07-10" },
        });
        var documents = $"/api/meetings/{id}/documents";

        // A public agenda of more than a megabyte (the usual limit of a request): through the gateway, read back by anyone as it was sent.
        var agenda = Pdf("Provisional agenda", padding: 2 * 1024 * 1024);
        var created = await MeetingsFlow.JsonAsync(await UploadAsync(chair, $"{documents}?fileName=agenda.pdf&title=Provisional%20agenda&kind=agenda&public=true", agenda),
            HttpStatusCode.Created);
        var agendaId = created.GetProperty("id").GetGuid();
        Assert.Equal((1, "application/pdf"), (created.GetProperty("latestVersion").GetInt32(), created.GetProperty("versions")[0].GetProperty("contentType").GetString()));
        using (var file = await anonymous.GetAsync($"{documents}/{agendaId}/file"))
        {
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal(agenda, await file.Content.ReadAsByteArrayAsync());
            Assert.Equal("application/pdf", file.Content.Headers.ContentType!.MediaType);
            Assert.Equal("attachment", file.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Equal("agenda.pdf", file.Content.Headers.ContentDisposition.FileName?.Trim('"'));
            Assert.Equal("nosniff", file.Headers.GetValues("X-Content-Type-Options").Single());
        }

        // A paper for signed-in people: listed and read with a token, absent without one.
        var paper = await MeetingsFlow.JsonAsync(await UploadAsync(chair, $"{documents}?fileName=elements.docx&title=Elements%20paper&kind=elements-paper", Docx()),
            HttpStatusCode.Created);
        var paperId = paper.GetProperty("id").GetGuid();
        var listedPublicly = await MeetingsFlow.JsonAsync(await anonymous.GetAsync(documents), HttpStatusCode.OK);
        Assert.Equal([agendaId], listedPublicly.EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"{documents}/{paperId}/file")).StatusCode);
        var listed = await MeetingsFlow.JsonAsync(await delegateOfFrance.GetAsync(documents), HttpStatusCode.OK);
        Assert.Equal([agendaId, paperId], listed.EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));
        Assert.Equal(HttpStatusCode.OK, (await delegateOfFrance.GetAsync($"{documents}/{paperId}/file")).StatusCode);
        // A delegate reads; only the Chair's office circulates.
        Assert.Equal(HttpStatusCode.Forbidden, (await UploadAsync(delegateOfFrance, $"{documents}?fileName=a.pdf&title=A&kind=statement", Pdf("x"))).StatusCode);

        // A revised agenda is version 2; version 1 stays.
        var revised = Pdf("Provisional agenda, revised");
        var second = await MeetingsFlow.JsonAsync(await UploadAsync(chair, $"{documents}/{agendaId}/versions?fileName=agenda-rev1.pdf", revised), HttpStatusCode.Created);
        Assert.Equal(2, second.GetProperty("latestVersion").GetInt32());
        Assert.Equal(revised, await anonymous.GetByteArrayAsync($"{documents}/{agendaId}/file"));
        Assert.Equal(agenda, await anonymous.GetByteArrayAsync($"{documents}/{agendaId}/versions/1/file"));
        // A reader that has the latest version already is told so, without the file.
        using (var again = new HttpRequestMessage(HttpMethod.Get, $"{documents}/{agendaId}/file"))
        {
            again.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{second.GetProperty("versions")[0].GetProperty("sha256").GetString()}\""));
            using var notModified = await anonymous.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }

        // Refused, each with its reason, and nothing kept of them.
        var html = Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>");
        foreach (var (query, content, status, words) in new[]
        {
            ("fileName=agenda.pdf&title=Agenda&kind=agenda", html, HttpStatusCode.UnsupportedMediaType, "not what its name says"),
            ("fileName=page.html&title=Page&kind=other", html, HttpStatusCode.UnsupportedMediaType, "is not a PDF"),
            ("fileName=tool.exe&title=Tool&kind=other", new byte[] { 0x4D, 0x5A, 0x90, 0x00 }, HttpStatusCode.UnsupportedMediaType, "is not a PDF"),
            ("fileName=big.pdf&title=Big&kind=statement", Pdf("big", padding: 10 * 1024 * 1024), HttpStatusCode.RequestEntityTooLarge, "at most 10 MB"),
            ("fileName=empty.txt&title=Empty&kind=other", Array.Empty<byte>(), HttpStatusCode.BadRequest, "The file is empty"),
        })
        {
            using var refused = await UploadAsync(chair, $"{documents}?{query}", content);
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == status, $"{query}: {(int)refused.StatusCode} {body}");
            Assert.Contains(words, body);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        }
        // Refusals decided before the file is read reach the caller, however large the file (the body is read and dropped).
        Assert.Equal(HttpStatusCode.Forbidden, (await UploadAsync(delegateOfFrance, $"{documents}?fileName=a.pdf&title=A&kind=statement", Pdf("x", padding: 3 * 1024 * 1024))).StatusCode);
        var fields = await MeetingsFlow.JsonAsync(await UploadAsync(chair, $"{documents}?fileName=..%2F..%2F&kind=minutes", Pdf("x", padding: 3 * 1024 * 1024)), HttpStatusCode.BadRequest);
        Assert.Equal(["fileName", "kind", "title"], fields.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        Assert.Equal(2, (await MeetingsFlow.JsonAsync(await chair.GetAsync(documents), HttpStatusCode.OK)).GetArrayLength());

        // A paper put up by mistake is withdrawn for good, every version with it.
        Assert.Equal(HttpStatusCode.Forbidden, (await delegateOfFrance.DeleteAsync($"{documents}/{paperId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await chair.DeleteAsync($"{documents}/{paperId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await delegateOfFrance.GetAsync($"{documents}/{paperId}/file")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await delegateOfFrance.GetAsync($"{documents}/{paperId}/versions/1/file")).StatusCode);
        Assert.Equal([agendaId], (await MeetingsFlow.JsonAsync(await chair.GetAsync(documents), HttpStatusCode.OK)).EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));

        // A meeting off the public schedule has no public documents.
        var closed = await MeetingsFlow.ScheduleAsync(system, chairToken, MeetingsFlow.ForMemberStates("Closed consultations with documents"));
        var notPublic = await MeetingsFlow.JsonAsync(await UploadAsync(chair, $"/api/meetings/{closed}/documents?fileName=a.txt&title=A&kind=other&public=true", "Text"u8.ToArray()),
            HttpStatusCode.BadRequest);
        Assert.True(notPublic.GetProperty("errors").TryGetProperty("public", out _));
    }
}
