using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Nominations.Model;

namespace PocDirectory.Nominations.Apis;

public sealed record CreateNominationRequest(string? State, Guid? PocId, NominationInput? Details, bool Submit);

public sealed record DecisionRequest(string? Decision, string? Reason, int? Revision);

public sealed record WithdrawalRequest(string? Reason);

public sealed record ConfirmationLookup(string? Token);

public sealed record ConfirmationRequest(string? Token, bool Consent);

public sealed record NominationSummary(
    Guid Id, Guid PocId, string State, string Kind, string Status, int Revision, string? FullName, string? Type,
    string CreatedByName, DateTimeOffset CreatedAt, DateTimeOffset? SubmittedAt, DateTimeOffset UpdatedAt, string? DecisionReason)
{
    public static NominationSummary From(Nomination n) => new(
        n.Id, n.PocId, n.State, n.Kind.ToString(), n.Status.ToString(), n.Revision,
        n.Submitted?.FullName ?? n.Draft.FullName, n.Submitted?.Type ?? n.Draft.Type,
        n.CreatedByName, n.CreatedAt, n.SubmittedAt, n.UpdatedAt, n.DecisionReason);
}

public sealed record VersionView(int Revision, PocDetails Details, string SubmittedByName, DateTimeOffset SubmittedAt);

public sealed record EventView(DateTimeOffset At, string ActorName, string Action, string? Detail);

public sealed record NominationView(
    NominationSummary Summary, NominationInput Draft, PocDetails? Submitted, PocDetails? Listed,
    DateTimeOffset? ConfirmationExpiresAt, DateTimeOffset? ConfirmedAt, DateTimeOffset? DecidedAt,
    IReadOnlyList<VersionView> Versions, IReadOnlyList<EventView> History);

public sealed record ListedPocView(Guid PocId, string State, int Version, PocDetails Details, DateTimeOffset ListedAt, DateTimeOffset UpdatedAt, DateTimeOffset? WithdrawnAt, string? WithdrawalReason)
{
    public static ListedPocView From(ListedPoc p) => new(p.PocId, p.State, p.Version, p.Details, p.ListedAt, p.UpdatedAt, p.WithdrawnAt, p.WithdrawalReason);
}

public sealed record StateNominations(string State, string StateName, IReadOnlyList<ListedPocView> Listed, IReadOnlyList<NominationSummary> Nominations);

/// <summary>What the nominee sees through their link: the details to check and who nominated them. Nothing else.</summary>
public sealed record NomineeView(string State, string StateName, string NominatedBy, PocDetails Details, DateTimeOffset ExpiresAt);

public sealed record ConfirmUpdateRequest(IReadOnlyList<Guid>? PocIds, bool AllUnchanged);

public sealed record StartRoundRequest(IReadOnlyList<string>? States, bool AllStates);

/// <summary>A State's update request at a glance: the directory manager's overview has one per State.</summary>
public sealed record UpdateRequestSummary(
    Guid Id, string State, string StateName, string Status, DateTimeOffset RequestedAt, DateTimeOffset DueAt,
    DateTimeOffset? RemindedAt, DateTimeOffset? OverdueAt, DateTimeOffset? AnsweredAt, int Confirmed, int Total);

public sealed record UpdateRequestEntryView(Guid PocId, string FullName, string Type, string? Outcome, DateTimeOffset? ConfirmedAt);

public sealed record UpdateRequestView(UpdateRequestSummary Summary, IReadOnlyList<UpdateRequestEntryView> Entries)
{
    public static UpdateRequestView From(UpdateRequest r, string stateName, TimeSpan overdueAfter) => new(
        new UpdateRequestSummary(r.Id, r.State, stateName, r.Status, r.RequestedAt, r.RequestedAt + overdueAfter, r.RemindedAt, r.OverdueAt, r.AnsweredAt,
            r.Entries.Count(e => e.Outcome != null), r.Entries.Count),
        [.. r.Entries.OrderBy(e => e.Type).ThenBy(e => e.FullName).Select(e => new UpdateRequestEntryView(e.PocId, e.FullName, e.Type, e.Outcome, e.ConfirmedAt))]);
}

public sealed record RoundStarted(int Asked, IReadOnlyList<string> States);
