using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Notifications;
using PocDirectory.IntegrationTests.Infrastructure;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Participants;
using PocDirectory.Meetings.Schedule;

namespace PocDirectory.IntegrationTests.Meetings;

/// <summary>
/// The reminders before a meeting on a real meetingsdb with a fake clock: a day and an hour before, each
/// once to every registered participant, once when two replicas check at the same moment, and planned
/// again when the meeting moves.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class MeetingRemindersTests(ServersFixture servers) : IAsyncLifetime
{
    private static readonly string BatchType = OutboxMessage.TypeName(typeof(SendEmailBatch));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2030, 1, 10, 12, 0, 0, TimeSpan.Zero));
    private readonly IConfiguration _configuration = new ConfigurationBuilder().Build();
    private ServiceProvider _services = null!;
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _connectionString = await servers.CreateDatabaseAsync("reminders");
        _services = new ServiceCollection()
            .AddDbContext<MeetingsDbContext>(o => o.UseNpgsql(_connectionString))
            .BuildServiceProvider();
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<MeetingsDbContext>().Database.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Npgsql.NpgsqlConnection.ClearPool(new Npgsql.NpgsqlConnection(_connectionString));
    }

    private MeetingReminders Worker() =>
        new(_services.GetRequiredService<IServiceScopeFactory>(), _clock, _configuration, NullLogger<MeetingReminders>.Instance);

    /// <summary>A virtual meeting at 9.00 in New York on 15 January 2030, with <paramref name="participants"/> registered (one withdrawn).</summary>
    private async Task<Meeting> MeetingAsync(int participants, string date = "2030-01-15")
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        var meeting = new Meeting { CreatedAt = _clock.GetUtcNow(), UpdatedAt = _clock.GetUtcNow() };
        new MeetingRequest("briefing", "Briefing", null, "virtual", null, ["member-states"], null,
            new MeetingTimeRequest("exact", date, StartTime: "09:00"), RegistrationOpen: true, JoinLink: "https://meet.example.org/b").ApplyTo(meeting, isNew: true);
        db.Meetings.Add(meeting);
        for (var i = 0; i <= participants; i++)
        {
            db.Registrations.Add(new Registration
            {
                MeetingId = meeting.Id, State = "FRA", FullName = $"Participant {i}", Function = "Counsellor", Email = $"p{i}-{meeting.Id:N}@example.org",
                CreatedAt = _clock.GetUtcNow(), WithdrawnAt = i == participants ? _clock.GetUtcNow() : null,
            });
        }
        await ParticipantMail.PlanRemindersAsync(db, meeting, ParticipantMail.Offsets(_configuration), _clock.GetUtcNow(), CancellationToken.None);
        await db.SaveChangesAsync();
        return meeting;
    }

    private async Task<List<SendEmail>> RemindersAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        var bodies = await scope.ServiceProvider.GetRequiredService<MeetingsDbContext>().Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.MessageType == BatchType).Select(m => m.Body).ToListAsync();
        return [.. bodies.SelectMany(b => JsonSerializer.Deserialize<SendEmailBatch>(b, JsonSerializerOptions.Web)!.Emails)
            .Where(e => e.Template == ParticipantMail.ReminderTemplate)];
    }

    [Fact]
    public async Task Each_participant_is_reminded_a_day_and_an_hour_before_each_once()
    {
        var meeting = await MeetingAsync(participants: 2);
        var worker = Worker();
        // 9.00 in New York on 15 January is 14:00 UTC: the first reminder is due at 14:00 UTC on the 14th.
        _clock.SetUtcNow(new DateTimeOffset(2030, 1, 14, 13, 59, 0, TimeSpan.Zero));
        Assert.Equal(0, await worker.RunOnceAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await worker.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await worker.RunOnceAsync(CancellationToken.None));
        var day = await RemindersAsync();
        Assert.Equal(2, day.Count); // not the withdrawn participant
        Assert.All(day, e => Assert.Equal(("1 day", "https://meet.example.org/b", "Tuesday, 15 January 2030, 9.00 am (NY Time)"),
            (e.Values["before"], e.Values["link"], e.Values["when"])));

        _clock.SetUtcNow(meeting.StartsAt - TimeSpan.FromHours(1));
        Assert.Equal(1, await worker.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await worker.RunOnceAsync(CancellationToken.None));
        Assert.Equal(2, (await RemindersAsync()).Count(e => e.Values["before"] == "1 hour"));
    }

    [Fact]
    public async Task Two_replicas_checking_at_the_same_moment_send_each_reminder_once()
    {
        for (var i = 0; i < 6; i++)
        {
            await MeetingAsync(participants: 1);
        }
        _clock.SetUtcNow(new DateTimeOffset(2030, 1, 14, 14, 30, 0, TimeSpan.Zero));
        var handled = await Task.WhenAll(Worker().RunOnceAsync(CancellationToken.None), Worker().RunOnceAsync(CancellationToken.None));
        Assert.Equal(6, handled.Sum());
        Assert.Equal(6, (await RemindersAsync()).Count);
    }

    [Fact]
    public async Task A_meeting_moved_is_reminded_at_its_new_time_and_a_cancelled_one_not_at_all()
    {
        var moved = await MeetingAsync(participants: 1);
        var cancelled = await MeetingAsync(participants: 1);
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
            var meeting = await db.Meetings.SingleAsync(m => m.Id == moved.Id);
            new MeetingRequest("briefing", "Briefing", null, "virtual", null, ["member-states"], null,
                new MeetingTimeRequest("exact", "2030-01-22", StartTime: "09:00"), Revision: 1, RegistrationOpen: true).ApplyTo(meeting, isNew: false);
            await ParticipantMail.PlanRemindersAsync(db, meeting, ParticipantMail.Offsets(_configuration), _clock.GetUtcNow(), CancellationToken.None);
            var other = await db.Meetings.SingleAsync(m => m.Id == cancelled.Id);
            other.Status = MeetingStatuses.Cancelled;
            await ParticipantMail.PlanRemindersAsync(db, other, [], _clock.GetUtcNow(), CancellationToken.None);
            await db.SaveChangesAsync();
        }
        _clock.SetUtcNow(new DateTimeOffset(2030, 1, 15, 14, 0, 0, TimeSpan.Zero)); // both old times have passed
        Assert.Equal(0, await Worker().RunOnceAsync(CancellationToken.None));
        _clock.SetUtcNow(new DateTimeOffset(2030, 1, 21, 14, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, await Worker().RunOnceAsync(CancellationToken.None));
        var sent = Assert.Single(await RemindersAsync());
        Assert.Equal("Tuesday, 22 January 2030, 9.00 am (NY Time)", sent.Values["when"]);
    }
}
