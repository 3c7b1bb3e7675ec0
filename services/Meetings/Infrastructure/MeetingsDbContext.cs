using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Meetings.Documents;
using PocDirectory.Meetings.Feeds;
using PocDirectory.Meetings.Invitations;
using PocDirectory.Meetings.Letters;
using PocDirectory.Meetings.Missions;
using PocDirectory.Meetings.Participants;
using PocDirectory.Meetings.Schedule;
using PocDirectory.Meetings.Silence;
using PocDirectory.Meetings.Stakeholders;

namespace PocDirectory.Meetings.Infrastructure;

public sealed class MeetingsDbContext(DbContextOptions<MeetingsDbContext> options) : DbContext(options)
{
    public DbSet<MemberStateCopy> MemberStates => Set<MemberStateCopy>();

    public DbSet<Meeting> Meetings => Set<Meeting>();

    public DbSet<PermanentMission> Missions => Set<PermanentMission>();

    public DbSet<Letter> Letters => Set<Letter>();

    public DbSet<Registration> Registrations => Set<Registration>();

    public DbSet<MeetingReminder> Reminders => Set<MeetingReminder>();

    public DbSet<LetterRecipient> LetterRecipients => Set<LetterRecipient>();

    public DbSet<Invitee> Invitees => Set<Invitee>();

    public DbSet<SilenceFile> SilenceFiles => Set<SilenceFile>();

    public DbSet<MeetingDocument> Documents => Set<MeetingDocument>();

    public DbSet<CalendarFeed> Feeds => Set<CalendarFeed>();

    public DbSet<RevokedSubject> RevokedSubjects => Set<RevokedSubject>();

    public DbSet<DocumentVersion> DocumentVersions => Set<DocumentVersion>();

    public DbSet<SilenceProcedure> SilenceProcedures => Set<SilenceProcedure>();

    public DbSet<SilenceObjection> SilenceObjections => Set<SilenceObjection>();

    public DbSet<StakeholderApplication> StakeholderApplications => Set<StakeholderApplication>();

    public DbSet<AccreditationRound> AccreditationRounds => Set<AccreditationRound>();

    public DbSet<AccreditationObjection> AccreditationObjections => Set<AccreditationObjection>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.AddMemberStateCopy();
        modelBuilder.Entity<Meeting>(meeting =>
        {
            meeting.ToTable("meetings");
            meeting.HasKey(m => m.Id);
            meeting.Property(m => m.Kind).HasMaxLength(40);
            meeting.Property(m => m.Title).HasMaxLength(MeetingRequest.TitleLength);
            meeting.Property(m => m.Format).HasMaxLength(20);
            meeting.Property(m => m.Room).HasMaxLength(MeetingRequest.RoomLength);
            meeting.Property(m => m.Status).HasMaxLength(20);
            meeting.Property(m => m.SeedKey).HasMaxLength(80);
            meeting.Property(m => m.Revision).IsConcurrencyToken();
            meeting.Ignore(m => m.IsPublic);
            meeting.ComplexProperty(m => m.Time, time =>
            {
                time.Property(t => t.Precision).HasColumnName("time_precision").HasMaxLength(10);
                time.Property(t => t.StartDate).HasColumnName("start_date");
                time.Property(t => t.EndDate).HasColumnName("end_date");
                time.Property(t => t.EndApproximate).HasColumnName("end_approximate");
                time.Property(t => t.StartTime).HasColumnName("start_time");
                time.Property(t => t.EndTime).HasColumnName("end_time");
                time.Property(t => t.Week).HasColumnName("week");
                time.Property(t => t.Zone).HasColumnName("time_zone").HasMaxLength(64);
                time.Ignore(t => t.TimeZone);
                time.Ignore(t => t.Days);
                time.Ignore(t => t.Instants);
            });
            meeting.HasIndex(m => m.StartsAt);
            meeting.HasIndex(m => m.SeedKey).IsUnique();
            meeting.Property(m => m.JoinLink).HasMaxLength(500);
        });
        modelBuilder.Entity<Registration>(registration =>
        {
            registration.ToTable("registrations");
            registration.HasKey(r => r.Id);
            registration.Property(r => r.State).HasMaxLength(3);
            registration.Property(r => r.FullName).HasMaxLength(200);
            registration.Property(r => r.Function).HasMaxLength(200);
            registration.Property(r => r.Email).HasMaxLength(254);
            registration.Property(r => r.Attendance).HasMaxLength(20);
            registration.Property(r => r.RegisteredBy).HasMaxLength(200);
            registration.Property(r => r.Organization).HasMaxLength(AccreditationRules.NameLength);
            registration.Property(r => r.Status).HasMaxLength(20).HasDefaultValue(RegistrationStatuses.Approved);
            registration.Property(r => r.DecidedBy).HasMaxLength(200);
            registration.Property(r => r.DeclineReason).HasMaxLength(1000);
            registration.HasIndex(r => new { r.MeetingId, r.State });
            registration.HasIndex(r => new { r.MeetingId, r.StakeholderId }).HasFilter("\"StakeholderId\" IS NOT NULL");
            registration.HasOne<Meeting>().WithMany().HasForeignKey(r => r.MeetingId);
        });
        modelBuilder.Entity<MeetingReminder>(reminder =>
        {
            reminder.ToTable("meeting_reminders");
            reminder.HasKey(r => r.Id);
            reminder.HasIndex(r => r.DueAt).HasFilter("\"SentAt\" IS NULL");
            reminder.HasOne<Meeting>().WithMany().HasForeignKey(r => r.MeetingId);
        });
        modelBuilder.Entity<Invitee>(invitee =>
        {
            invitee.ToTable("meeting_invitees");
            invitee.HasKey(i => i.Id);
            invitee.Property(i => i.State).HasMaxLength(3);
            invitee.Property(i => i.Email).HasMaxLength(254);
            invitee.Property(i => i.Status).HasMaxLength(20);
            invitee.Property(i => i.Reason).HasMaxLength(500);
            invitee.Property(i => i.MissionName).HasMaxLength(MissionRequest.NameLength); // a mission's name, or an organization's (as long)
            invitee.HasIndex(i => new { i.MeetingId, i.State, i.Email }).IsUnique().HasFilter("\"StakeholderId\" IS NULL");
            invitee.HasIndex(i => new { i.MeetingId, i.StakeholderId }).IsUnique().HasFilter("\"StakeholderId\" IS NOT NULL");
            invitee.HasIndex(i => i.RegistrationHash).IsUnique().HasFilter("\"RegistrationHash\" IS NOT NULL");
            invitee.HasIndex(i => i.LastEmailId).IsUnique();
            invitee.HasOne<Meeting>().WithMany().HasForeignKey(i => i.MeetingId);
        });
        modelBuilder.Entity<SilenceFile>(file =>
        {
            file.ToTable("silence_files");
            file.HasKey(f => f.Id);
            file.Property(f => f.FileName).HasMaxLength(200);
            file.Property(f => f.ContentType).HasMaxLength(100);
            file.Property(f => f.Sha256).HasMaxLength(64);
            file.Property(f => f.UploadedBy).HasMaxLength(200);
            file.HasIndex(f => new { f.ProcedureId, f.Version }).IsUnique().HasFilter("\"ObjectionId\" IS NULL");
            file.HasIndex(f => f.ObjectionId).IsUnique().HasFilter("\"ObjectionId\" IS NOT NULL");
            file.HasOne<SilenceProcedure>().WithMany().HasForeignKey(f => f.ProcedureId);
            file.HasOne<SilenceObjection>().WithMany().HasForeignKey(f => f.ObjectionId);
        });
        modelBuilder.Entity<MeetingDocument>(document =>
        {
            document.ToTable("meeting_documents");
            document.HasKey(d => d.Id);
            document.Property(d => d.Kind).HasMaxLength(40);
            document.Property(d => d.Title).HasMaxLength(300);
            document.Property(d => d.LatestVersion).IsConcurrencyToken();
            document.HasIndex(d => d.MeetingId);
            document.HasOne<Meeting>().WithMany().HasForeignKey(d => d.MeetingId);
        });
        modelBuilder.Entity<DocumentVersion>(version =>
        {
            version.ToTable("document_versions");
            version.HasKey(v => v.Id);
            version.Property(v => v.FileName).HasMaxLength(200);
            version.Property(v => v.ContentType).HasMaxLength(120);
            version.Property(v => v.Sha256).HasMaxLength(64);
            version.Property(v => v.UploadedBy).HasMaxLength(200);
            version.HasIndex(v => new { v.DocumentId, v.Version }).IsUnique();
            version.HasOne<MeetingDocument>().WithMany().HasForeignKey(v => v.DocumentId);
        });
        modelBuilder.Entity<CalendarFeed>(feed =>
        {
            feed.ToTable("calendar_feeds");
            feed.HasKey(f => f.Id);
            feed.Property(f => f.Subject).HasMaxLength(200);
            feed.HasIndex(f => f.Subject).IsUnique();
            feed.HasIndex(f => f.TokenHash).IsUnique();
            feed.Property(f => f.State).HasMaxLength(3);
        });
        modelBuilder.Entity<RevokedSubject>(revoked =>
        {
            revoked.ToTable("revoked_subjects");
            revoked.HasKey(r => r.Subject);
            revoked.Property(r => r.Subject).HasMaxLength(200);
        });
        modelBuilder.Entity<PermanentMission>(mission =>
        {
            mission.ToTable("permanent_missions");
            mission.HasKey(m => m.State);
            mission.Property(m => m.State).HasMaxLength(3);
            mission.Property(m => m.Name).HasMaxLength(MissionRequest.NameLength);
            mission.Property(m => m.UpdatedBy).HasMaxLength(200);
            mission.Property(m => m.Revision).IsConcurrencyToken();
        });
        modelBuilder.Entity<Letter>(letter =>
        {
            letter.ToTable("letters");
            letter.HasKey(l => l.Id);
            letter.Property(l => l.Subject).HasMaxLength(LetterRequest.SubjectLength);
            letter.Property(l => l.Status).HasMaxLength(20);
            letter.Property(l => l.SeedKey).HasMaxLength(40);
            letter.Property(l => l.SentBy).HasMaxLength(200);
            letter.Property(l => l.Revision).IsConcurrencyToken();
            letter.HasIndex(l => l.SeedKey).IsUnique();
            letter.HasIndex(l => new { l.Status, l.Date });
        });
        modelBuilder.Entity<SilenceProcedure>(procedure =>
        {
            procedure.ToTable("silence_procedures");
            procedure.HasKey(p => p.Id);
            // The column keeps 300 characters; a subject is held to SilenceRules.SubjectLength (250) when it is written.
            procedure.Property(p => p.Subject).HasMaxLength(300);
            procedure.Property(p => p.Proposal).HasMaxLength(SilenceRules.ProposalLength);
            procedure.Property(p => p.Zone).HasMaxLength(64);
            procedure.Property(p => p.Status).HasMaxLength(20);
            procedure.Property(p => p.CirculatedBy).HasMaxLength(200);
            procedure.Property(p => p.SeedKey).HasMaxLength(40);
            procedure.Property(p => p.Revision).IsConcurrencyToken();
            procedure.HasIndex(p => p.ExpiresAt).HasFilter("\"Status\" = 'under-silence'");
            procedure.HasIndex(p => p.SeedKey).IsUnique();
            // The same proposal placed twice (a retried request) would circulate twice: one is refused.
            procedure.HasIndex(p => new { p.Subject, p.ExpiresAt }).IsUnique().HasFilter("\"Status\" = 'under-silence'");
        });
        modelBuilder.Entity<SilenceObjection>(objection =>
        {
            objection.ToTable("silence_objections");
            objection.HasKey(o => o.Id);
            objection.Property(o => o.State).HasMaxLength(3);
            objection.Property(o => o.Letter).HasMaxLength(SilenceRules.LetterLength);
            objection.Property(o => o.Amendment).HasMaxLength(SilenceRules.LetterLength);
            objection.Property(o => o.Paragraphs).HasMaxLength(SilenceRules.ParagraphsLength);
            objection.Property(o => o.ReceivedFrom).HasMaxLength(200);
            // One objection stands per State at a time; withdrawn ones stay in the record.
            objection.HasIndex(o => new { o.ProcedureId, o.State }).IsUnique().HasFilter("\"WithdrawnAt\" IS NULL");
            objection.HasOne<SilenceProcedure>().WithMany().HasForeignKey(o => o.ProcedureId);
        });
        modelBuilder.Entity<StakeholderApplication>(application =>
        {
            application.ToTable("stakeholder_applications");
            application.HasKey(a => a.Id);
            application.Property(a => a.Organization).HasMaxLength(AccreditationRules.NameLength);
            application.Property(a => a.OrganizationKey).HasMaxLength(64);
            application.Property(a => a.Website).HasMaxLength(AccreditationRules.WebsiteLength);
            application.Property(a => a.Headquarters).HasMaxLength(3);
            application.Property(a => a.Type).HasMaxLength(40);
            application.Property(a => a.EcosocReference).HasMaxLength(100);
            application.Property(a => a.Purpose).HasMaxLength(AccreditationRules.TextLength);
            application.Property(a => a.Relevance).HasMaxLength(AccreditationRules.TextLength);
            application.Property(a => a.UnInteraction).HasMaxLength(AccreditationRules.TextLength);
            application.Property(a => a.ContactName).HasMaxLength(AccreditationRules.NameLength);
            application.Property(a => a.ContactEmail).HasMaxLength(254);
            application.Property(a => a.LetterFileName).HasMaxLength(200);
            application.Property(a => a.LetterSha256).HasMaxLength(64);
            application.Property(a => a.Status).HasMaxLength(30);
            application.Property(a => a.CheckedBy).HasMaxLength(200);
            application.Property(a => a.ReturnReason).HasMaxLength(AccreditationRules.TextLength);
            application.Property(a => a.Revision).IsConcurrencyToken();
            application.HasIndex(a => a.OrganizationKey);
            application.HasIndex(a => a.ConfirmationHash).IsUnique();
            application.HasIndex(a => a.ContactEmail);
            application.HasIndex(a => a.CreatedAt).HasFilter("\"Status\" = 'awaiting-confirmation'");
            application.HasIndex(a => a.RoundId);
            application.HasIndex(a => a.Status);
        });
        modelBuilder.Entity<AccreditationRound>(round =>
        {
            round.ToTable("accreditation_rounds");
            round.HasKey(r => r.Id);
            round.Property(r => r.Title).HasMaxLength(AccreditationRules.TitleLength);
            round.Property(r => r.Zone).HasMaxLength(64);
            round.Property(r => r.Status).HasMaxLength(20);
            round.Property(r => r.CirculatedBy).HasMaxLength(200);
            round.Property(r => r.Revision).IsConcurrencyToken();
            round.HasIndex(r => r.Deadline).HasFilter("\"Status\" = 'circulated'");
        });
        modelBuilder.Entity<AccreditationObjection>(objection =>
        {
            objection.ToTable("accreditation_objections");
            objection.HasKey(o => o.Id);
            objection.Property(o => o.State).HasMaxLength(3);
            objection.Property(o => o.Basis).HasMaxLength(AccreditationRules.TextLength);
            objection.Property(o => o.ReceivedFrom).HasMaxLength(200);
            objection.HasIndex(o => new { o.RoundId, o.ApplicationId, o.State }).IsUnique().HasFilter("\"WithdrawnAt\" IS NULL");
            objection.HasOne<AccreditationRound>().WithMany().HasForeignKey(o => o.RoundId);
            objection.HasOne<StakeholderApplication>().WithMany().HasForeignKey(o => o.ApplicationId);
        });
        modelBuilder.Entity<LetterRecipient>(recipient =>
        {
            recipient.ToTable("letter_recipients");
            recipient.HasKey(r => r.Id);
            recipient.Property(r => r.State).HasMaxLength(3);
            recipient.Property(r => r.MissionName).HasMaxLength(MissionRequest.NameLength);
            recipient.Property(r => r.Email).HasMaxLength(254);
            recipient.Property(r => r.Status).HasMaxLength(20);
            recipient.Property(r => r.Reason).HasMaxLength(500);
            recipient.HasIndex(r => r.LetterId);
            recipient.HasIndex(r => r.EmailId).IsUnique();
            recipient.HasIndex(r => r.AcknowledgementHash).IsUnique();
            recipient.HasOne<Letter>().WithMany().HasForeignKey(r => r.LetterId);
        });
    }
}
