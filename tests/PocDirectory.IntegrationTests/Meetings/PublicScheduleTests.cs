using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PocDirectory.IntegrationTests.Infrastructure;
using PocDirectory.Meetings.Apis;
using PocDirectory.Meetings.Demo;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Schedule;
using PocDirectory.Meetings.Silence;

namespace PocDirectory.IntegrationTests.Meetings;

/// <summary>The meetings of the Chair's letters loaded into a real Meetings service and database, read as the public reads them.</summary>
[Collection(ServersCollection.Name)]
public sealed class PublicScheduleTests(ServersFixture servers) : IAsyncLifetime
{
    private ServiceFactory<MeetingsDbContext> _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _factory = new ServiceFactory<MeetingsDbContext>(servers, ResourceNames.MeetingsDb, await servers.CreateDatabaseAsync("meetings"));
        _client = _factory.CreateClient();
        await using var scope = _factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SeedSchedule>().LoadAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Loading_the_letters_twice_adds_their_meetings_once()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var message = await scope.ServiceProvider.GetRequiredService<SeedSchedule>().LoadAsync(CancellationToken.None);
        Assert.Equal($"The meetings of the Chair's letters are there already ({SeedLetters.Meetings.Count}).", message);
        Assert.Equal(SeedLetters.Meetings.Count, await scope.ServiceProvider.GetRequiredService<MeetingsDbContext>().Meetings.CountAsync());
    }

    [Fact]
    public async Task The_silence_procedure_of_the_letters_is_loaded_once_broken_at_its_expiry_and_public()
    {
        var expiry = new DateTimeOffset(2022, 1, 25, 23, 0, 0, TimeSpan.Zero); // 6 pm in New York
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        var procedure = await db.SilenceProcedures.AsNoTracking().SingleAsync(p => p.SeedKey == SeedSchedule.StakeholderModalitiesSilence);
        Assert.Equal((SilenceStatuses.Broken, expiry, expiry, true), (procedure.Status, procedure.ExpiresAt, procedure.DecidedAt!.Value, procedure.IsPublic));
        Assert.Equal(new DateTimeOffset(2022, 1, 18, 23, 0, 0, TimeSpan.Zero), procedure.CirculatedAt); // the evening of 18 January 2022 in New York

        await scope.ServiceProvider.GetRequiredService<SeedSchedule>().LoadAsync(CancellationToken.None);
        Assert.Equal(procedure.Id, (await db.SilenceProcedures.AsNoTracking().SingleAsync(p => p.SeedKey == SeedSchedule.StakeholderModalitiesSilence)).Id);
        Assert.Equal(1, await db.SilenceProcedures.CountAsync());

        // In the public record without a token: its outcome and its expiry in the letters' words.
        var listed = Assert.Single((await _client.GetFromJsonAsync<List<SilenceSummary>>("/api/meetings/silence-procedures"))!);
        Assert.Equal((procedure.Id, SilenceStatuses.Broken, expiry, true), (listed.Id, listed.Status, listed.ExpiresAt, listed.IsPublic));
        Assert.Contains("25 January 2022 at 6.00pm (New York time)", listed.Expiry);
    }

    [Fact]
    public async Task The_public_schedule_holds_the_public_meetings_of_a_year_in_order_in_the_letters_words()
    {
        var schedule = (await _client.GetFromJsonAsync<List<MeetingView>>("/api/meetings/schedule?year=2023"))!;
        // The 2023 annex: the two papers and the two substantive sessions are public; the townhall, the consultations and June's meetings are not.
        Assert.Equal(
            ["Last week of January 2023", "First week of February 2023", "6 - 10 March 2023", "17 - 21 July 2023"],
            schedule.Select(m => m.When));
        Assert.All(schedule, m => Assert.Contains(Audiences.Public, m.Audience));

        var sessions = await _client.GetFromJsonAsync<List<MeetingView>>("/api/meetings/schedule?kind=substantive-session");
        Assert.Equal(["Second Substantive Session of the OEWG", "Fourth Substantive Session of the OEWG", "Fifth Substantive Session of the OEWG"], sessions!.Select(m => m.Title));
        // 2022 in public: the silence procedure's circulation and expiry, and the second session (the consultations and the virtual meeting were for States).
        var year2022 = await _client.GetFromJsonAsync<List<MeetingView>>("/api/meetings/schedule?year=2022");
        Assert.Equal(["2022-01-18", "2022-01-25", "2022-03-28"], year2022!.Select(m => m.Time.Date));
    }

    [Fact]
    public async Task The_public_feed_is_a_calendar_both_readers_take_with_only_the_public_meetings()
    {
        using var response = await _client.GetAsync("/api/meetings/schedule.ics");
        Assert.Equal("text/calendar", response.Content.Headers.ContentType!.MediaType);
        var ics = await response.Content.ReadAsStringAsync();
        var publicCount = SeedLetters.Meetings.Count(m => m.Audience.Contains(Audiences.Public));
        foreach (var read in await CalendarReaders.ReadAsync(ics))
        {
            Assert.Equal(publicCount, read.Events.Count);
            Assert.Contains(read.Events, e => e.Summary == "Fourth Substantive Session of the OEWG" && e.Start == "2023-03-06" && e.End == "2023-03-11");
        }
    }

    [Fact]
    public async Task The_three_seed_letters_are_in_the_public_archive_as_they_were_sent()
    {
        var archive = (await _client.GetFromJsonAsync<List<LetterSummary>>("/api/meetings/letters"))!;
        Assert.Equal(["2024-01-10", "2022-12-15", "2021-12-17"], archive.Select(l => l.Date));
        Assert.All(archive, l => Assert.True(l.IsPublic && l.Status == "sent"));
        var letter = (await _client.GetFromJsonAsync<LetterView>($"/api/meetings/letters/{archive[1].Id}"))!;
        Assert.Equal(SeedLetters.December2022.Text.Trim(), letter.Text);
        Assert.Null(letter.Recipients); // what became of each copy is the Chair's office's to see
        Assert.Null(letter.Parts);
    }

    [Fact]
    public async Task A_meeting_not_for_the_public_is_not_found_without_a_token_and_nothing_is_changed_without_one()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        var townhall = await db.Meetings.SingleAsync(m => m.SeedKey == "2022-12-15/townhall");
        var session = await db.Meetings.SingleAsync(m => m.SeedKey == "2022-12-15/fourth-session");

        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/meetings/{townhall.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/meetings/{townhall.Id}.ics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/api/meetings/{session.Id}")).StatusCode);
        var file = await _client.GetAsync($"/api/meetings/{session.Id}.ics");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Contains($"UID:{CalendarFiles.Uid(session)}", await file.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.GetAsync("/api/meetings")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.PostAsJsonAsync("/api/meetings", new { title = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.PostAsJsonAsync($"/api/meetings/{session.Id}/cancellation", new { revision = 1 })).StatusCode);
        Assert.Equal(MeetingStatuses.Confirmed, (await db.Meetings.AsNoTracking().SingleAsync(m => m.Id == session.Id)).Status);
    }
}
