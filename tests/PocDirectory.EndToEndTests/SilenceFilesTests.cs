using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// The files of a silence procedure through the gateway: the Chair's office circulates the proposal's document in
/// versions, each told to every mission by letter and read by whoever reads the proposal; a State's delegate adds its
/// objection's file, read by signed-in people only; files of the wrong kind, another State's objection, a stale
/// revision are refused.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SilenceFilesTests(SystemFixture fixture) : IAsyncLifetime
{
    private Chromium _chromium = null!;

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    private string Web => fixture.System.Url(ResourceNames.Web).ToString().TrimEnd('/');

    private Task<IPage> SignedInAsync(TestPerson person) => _chromium.SignedInAsync(Web, person, "/letters/new"); // a page for signed-in people: it leads to the sign-in

    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string path, string fileName, byte[] content, int? revision = null)
    {
        using var body = new ByteArrayContent(content);
        return await client.PostAsync($"{path}?fileName={Uri.EscapeDataString(fileName)}{(revision is { } r ? $"&revision={r}" : "")}", body);
    }

    [Fact]
    public async Task The_proposal_s_document_is_circulated_in_versions_and_an_objection_carries_its_file()
    {
        var system = fixture.System;
        using var manager = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "silence-files-dm", Roles.DirectoryManager));
        using var chair = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "silence-files-chair", Roles.ChairOffice));
        using var france = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "silence-files-fra", Roles.Delegate, "FRA"));
        using var germany = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "silence-files-deu", Roles.Delegate, "DEU"));
        using var pointOfContact = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "silence-files-poc", Roles.PointOfContact, "KEN"));
        using var anonymous = DirectoryFlow.Client(system, null);
        var mission = TestPerson.UniqueEmail("silence-files-mission-chl");
        await MeetingsFlow.JsonAsync(await manager.PutAsJsonAsync("/api/meetings/missions/CHL", new { emails = new[] { mission } }), HttpStatusCode.OK);

        var tag = Guid.NewGuid().ToString("N")[..8];
        var placed = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync("/api/meetings/silence-procedures",
            SilenceProcedureTests.Proposal($"a draft report {tag}", SilenceProcedureTests.ExpiryIn(TimeSpan.FromHours(2)))), HttpStatusCode.Created);
        var id = placed.GetProperty("id").GetGuid();
        var documents = $"/api/meetings/silence-procedures/{id}/documents";

        // Only the Chair's office circulates it, naming the revision it read; a file that is not what its name says is refused.
        Assert.Equal(HttpStatusCode.Forbidden, (await UploadAsync(france, documents, "report.pdf", Pdf, 1)).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await UploadAsync(chair, documents, "report.pdf", "<html>not a PDF</html>"u8.ToArray(), 1)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await UploadAsync(chair, documents, "report.pdf", Pdf)).StatusCode); // no revision
        var first = await MeetingsFlow.JsonAsync(await UploadAsync(chair, documents, "report.pdf", Pdf, placed.GetProperty("revision").GetInt32()), HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.Conflict, (await UploadAsync(chair, documents, "report-rev1.txt", "Revised."u8.ToArray(), placed.GetProperty("revision").GetInt32())).StatusCode);
        var revised = "The revised draft report.\n"u8.ToArray();
        var second = await MeetingsFlow.JsonAsync(await UploadAsync(chair, documents, "report-rev1.txt", revised, first.GetProperty("revision").GetInt32()), HttpStatusCode.Created);
        Assert.Equal([1, 2], second.GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("version").GetInt32()).ToArray());
        Assert.Equal(["report.pdf", "report-rev1.txt"], second.GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("fileName").GetString()!).ToArray());

        // Every mission is told of each version by letter; the public reads each version with the proposal.
        await Mailbox.WaitForAsync(system, mission, new Regex($"Subject: Silence procedure: a draft report {tag}: document, version 1"));
        await Mailbox.WaitForAsync(system, mission, new Regex($"Subject: Silence procedure: a draft report {tag}: document, version 2"));
        var letter2 = (await Mailbox.MessagesToAsync(system, mission)).Single(m => m.Subject == $"Silence procedure: a draft report {tag}: document, version 2").TextBody ?? "";
        Assert.Contains("version 2 of the document", letter2.ReplaceLineEndings(" ").Replace("  ", " "));
        Assert.Contains("“report-rev1.txt”, which replaces version 1", letter2.ReplaceLineEndings(" ").Replace("  ", " "));
        Assert.Equal(Pdf, await anonymous.GetByteArrayAsync($"{documents}/1/file"));
        Assert.Equal(revised, await anonymous.GetByteArrayAsync($"{documents}/2/file"));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"{documents}/3/file")).StatusCode);

        // An objection carries its file, added by its own State's delegate, once; read by signed-in people only.
        var objection = await MeetingsFlow.JsonAsync(await france.PostAsJsonAsync($"/api/meetings/silence-procedures/{id}/objections",
            new { letter = "France objects to paragraph 3.", paragraphs = "3" }), HttpStatusCode.Created);
        var file = $"/api/meetings/silence-procedures/{id}/objections/{objection.GetProperty("id").GetGuid()}/file";
        var letter = "Letter of the Permanent Mission of France.\n"u8.ToArray();
        Assert.Equal(HttpStatusCode.NotFound, (await UploadAsync(germany, file, "objection.txt", letter)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await UploadAsync(chair, file, "objection.txt", letter)).StatusCode);
        var attached = await MeetingsFlow.JsonAsync(await UploadAsync(france, file, "objection.txt", letter), HttpStatusCode.Created);
        Assert.Equal(("objection.txt", (long)letter.Length), (attached.GetProperty("file").GetProperty("fileName").GetString(), attached.GetProperty("file").GetProperty("size").GetInt64()));
        Assert.Equal(HttpStatusCode.Conflict, (await UploadAsync(france, file, "objection-2.txt", letter)).StatusCode);
        Assert.Equal(letter, await pointOfContact.GetByteArrayAsync(file));
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(file)).StatusCode);
        var seen = await MeetingsFlow.JsonAsync(await germany.GetAsync($"/api/meetings/silence-procedures/{id}"), HttpStatusCode.OK);
        Assert.Equal("objection.txt", seen.GetProperty("objections")[0].GetProperty("file").GetProperty("fileName").GetString());
        var publicView = await MeetingsFlow.JsonAsync(await anonymous.GetAsync($"/api/meetings/silence-procedures/{id}"), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, publicView.GetProperty("objections").ValueKind);
        Assert.Equal(2, publicView.GetProperty("documents").GetArrayLength());

        // A proposal that is not public keeps its document from the public.
        var restricted = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync("/api/meetings/silence-procedures",
            SilenceProcedureTests.Proposal($"a restricted paper {tag}", SilenceProcedureTests.ExpiryIn(TimeSpan.FromHours(2)), isPublic: false)), HttpStatusCode.Created);
        var restrictedDocuments = $"/api/meetings/silence-procedures/{restricted.GetProperty("id").GetGuid()}/documents";
        await MeetingsFlow.JsonAsync(await UploadAsync(chair, restrictedDocuments, "paper.pdf", Pdf, restricted.GetProperty("revision").GetInt32()), HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"{restrictedDocuments}/1/file")).StatusCode);
        Assert.Equal(Pdf, await germany.GetByteArrayAsync($"{restrictedDocuments}/1/file"));
    }

    [Fact]
    public async Task In_Chromium_the_Chair_circulates_the_document_a_delegate_adds_the_objection_s_file_and_the_public_downloads_the_document()
    {
        var system = fixture.System;
        using (var manager = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "silence-files-web-dm", Roles.DirectoryManager)))
        {
            await MeetingsFlow.JsonAsync(await manager.PutAsJsonAsync("/api/meetings/missions/URY", new { emails = new[] { TestPerson.UniqueEmail("silence-files-web-ury") } }),
                HttpStatusCode.OK);
        }
        var tag = Guid.NewGuid().ToString("N")[..8];
        using var chairApi = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "silence-files-web-chair-api", Roles.ChairOffice));
        var placed = await MeetingsFlow.JsonAsync(await chairApi.PostAsJsonAsync("/api/meetings/silence-procedures",
            SilenceProcedureTests.Proposal($"the annual report {tag}", SilenceProcedureTests.ExpiryIn(TimeSpan.FromHours(2)))), HttpStatusCode.Created);
        var url = $"{Web}/silence/{placed.GetProperty("id").GetGuid()}";

        var chair = await SignedInAsync(await TestPerson.CreateAsync(system, "silence-files-web-chair", Roles.ChairOffice));
        await chair.GotoAsync(url);
        await Assertions.Expect(chair.GetByTestId("no-silence-documents")).ToBeVisibleAsync();
        await chair.Locator("#silence-document").SetInputFilesAsync(new FilePayload { Name = "annual-report.pdf", MimeType = "application/pdf", Buffer = Pdf });
        await chair.GetByTestId("circulate-document").ClickAsync();
        await Assertions.Expect(chair.GetByTestId("silence-notice")).ToContainTextAsync("“annual-report.pdf” is circulated");
        await Assertions.Expect(chair.GetByTestId("silence-documents").Locator("li")).ToContainTextAsync(["Version 1: annual-report.pdf"]);

        var france = await SignedInAsync(await TestPerson.CreateAsync(system, "silence-files-web-fra", Roles.Delegate, "FRA"));
        await france.GotoAsync(url);
        await france.GetByLabel("The objection").FillAsync("France cannot accept paragraph 3.");
        await france.GetByTestId("send-objection").ClickAsync();
        await france.Locator("#objection-file").SetInputFilesAsync(new FilePayload { Name = "objection.txt", MimeType = "text/plain", Buffer = "The letter of France.\n"u8.ToArray() });
        await france.GetByTestId("attach-file").ClickAsync();
        await Assertions.Expect(france.GetByTestId("silence-notice")).ToContainTextAsync("“objection.txt” is added to your State's objection.");
        await Assertions.Expect(france.GetByTestId("objection-file")).ToContainTextAsync("objection.txt");
        await Assertions.Expect(france.GetByTestId("attach-form")).ToHaveCountAsync(0);

        // The public reads the document with the proposal, as a download; not the objection's file.
        var visitor = await (await _chromium.Browser.NewContextAsync()).NewPageAsync();
        await visitor.GotoAsync(url);
        var download = await visitor.RunAndWaitForDownloadAsync(() => visitor.GetByRole(AriaRole.Link, new() { Name = "Version 1: annual-report.pdf" }).ClickAsync());
        Assert.Equal("annual-report.pdf", download.SuggestedFilename);
        Assert.Equal(Pdf, await File.ReadAllBytesAsync(await download.PathAsync()));
        await Assertions.Expect(visitor.GetByTestId("objection-file")).ToHaveCountAsync(0);
    }
}
