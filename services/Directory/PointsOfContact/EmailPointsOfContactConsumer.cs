using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Directory.Infrastructure;

namespace PocDirectory.Directory.PointsOfContact;

/// <summary>
/// Sends the Chair's e-mails (letters, invitations to meetings of points of contact) to every listed point of
/// contact: the Directory is the one service that holds their addresses, and they never leave it except as
/// the e-mails themselves. Only the Meetings service asks, only with its own templates. Each e-mail's id is
/// derived from the request and the point of contact, so a request applied twice still sends one e-mail each.
/// </summary>
public sealed class EmailPointsOfContactConsumer(DirectoryDbContext db, TimeProvider clock, ILogger<EmailPointsOfContactConsumer> logger)
    : IdempotentConsumer<EmailPointsOfContact, DirectoryDbContext>(db)
{
    /// <summary>The templates an e-mail to every point of contact may use: what the Chair's office sends, nothing else.</summary>
    public static readonly IReadOnlySet<string> Templates = new HashSet<string>(StringComparer.Ordinal) { "chair-letter", "poc-meeting-invitation" };

    protected override async Task HandleAsync(EmailPointsOfContact message, CancellationToken ct)
    {
        if (message.RequestedBy != ResourceNames.Meetings || !Templates.Contains(message.Template))
        {
            logger.LogWarning("A request to e-mail every point of contact from {RequestedBy} with template {Template} was refused", message.RequestedBy, message.Template);
            return;
        }
        var listed = (await Db.Entries.AsNoTracking().Where(e => e.Status == EntryStatus.Listed)
            .OrderBy(e => e.State).ThenBy(e => e.PocId).ToListAsync(ct)).Where(e => !string.IsNullOrEmpty(e.Details?.Email)).ToList();
        var emails = new List<SendEmail>();
        foreach (var entry in listed)
        {
            var details = entry.Details!;
            emails.Add(new SendEmail
            {
                EmailId = DerivedIds.From("poc-email", message.RequestId.ToString(), entry.PocId.ToString()),
                To = details.Email,
                ToName = details.FullName,
                Template = message.Template,
                Values = new Dictionary<string, string>(message.Values, StringComparer.Ordinal) { ["name"] = details.FullName },
                Calendar = message.Calendar,
                // The Directory's own e-mails: a bounce comes back to it (the address is its), not to the asking service.
                RequestedBy = ResourceNames.Directory,
            });
        }
        // Each e-mail may carry the calendar object: fewer to a batch then.
        foreach (var chunk in emails.Chunk(message.Calendar is null ? SendEmailBatch.MaxSize : SendEmailBatch.MaxSizeWithCalendars))
        {
            Db.AddIntegrationEvent(new SendEmailBatch { Emails = chunk });
        }
        Db.AddIntegrationEvent(new PointsOfContactEmailed
        {
            RequestId = message.RequestId,
            Reference = message.Reference,
            RequestedBy = message.RequestedBy,
            PointsOfContact = emails.Count,
            States = listed.Select(e => e.State).Distinct().Count(),
            At = clock.GetUtcNow(),
        });
    }
}
