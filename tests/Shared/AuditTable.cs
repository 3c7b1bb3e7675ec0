namespace PocDirectory;

/// <summary>
/// What every API endpoint of every service leaves in the audit log: "handler:ACTIONS" (its handler records them,
/// in the transaction of what it does), "filter:ACTION" (recorded after each successful answer) or "-" (nothing,
/// with the reason on the endpoint: public reference data, the caller's own account, no contact details). The
/// integration tests check that every mapped API endpoint says exactly this; the end-to-end tests call every read
/// the directory manager may make and find each one's record in the log.
/// </summary>
public static class AuditTable
{
    public static readonly Dictionary<(string Service, string Method, string Route), string> Endpoints = new()
    {
        [("directory", "GET", "/api/directory/member-states/")] = "-",
        [("directory", "GET", "/api/directory/member-states/{code}")] = "-",
        [("directory", "GET", "/api/directory/openapi/{documentName}.json")] = "-",
        [("directory", "GET", "/api/directory/pocs")] = "-",
        [("directory", "GET", "/api/directory/states")] = "-",
        [("directory", "GET", "/api/directory/pocs/{id:guid}")] = "handler:poc.read",
        [("directory", "GET", "/api/directory/pocs/{id:guid}/history")] = "handler:poc.history-read",
        [("directory", "GET", "/api/directory/export")] = "handler:directory.exported",
        [("directory", "GET", "/api/directory/changes")] = "handler:directory.changes-read",
        [("directory", "POST", "/api/directory/ping/campaigns")] = "handler:ping.started",
        [("directory", "GET", "/api/directory/ping/campaigns")] = "-",
        [("directory", "GET", "/api/directory/ping/campaigns/{id:guid}")] = "filter:ping.results-read",
        [("directory", "GET", "/api/directory/ping/campaigns/{id:guid}/export")] = "handler:ping.exported",
        [("directory", "POST", "/api/directory/ping/campaigns/{id:guid}/acknowledgement")] = "handler:ping.acknowledged",
        [("directory", "GET", "/api/directory/ping/awaiting")] = "-",
        [("directory", "POST", "/api/directory/ping/acknowledgements")] = "handler:ping.acknowledged-by-link",
        [("directory", "GET", "/api/directory/reachability")] = "filter:directory.reachability-read",
        [("nominations", "GET", "/api/nominations/member-states")] = "-",
        [("nominations", "GET", "/api/nominations/states/{state}")] = "handler:nominations.state-read",
        [("nominations", "POST", "/api/nominations/")] = "handler:nomination.created",
        [("nominations", "GET", "/api/nominations/review")] = "handler:nominations.review-queue-read",
        [("nominations", "GET", "/api/nominations/{id:guid}")] = "handler:nomination.read",
        [("nominations", "PUT", "/api/nominations/{id:guid}")] = "handler:nomination.draft-edited",
        [("nominations", "DELETE", "/api/nominations/{id:guid}")] = "handler:nomination.discarded",
        [("nominations", "POST", "/api/nominations/{id:guid}/submission")] = "handler:nomination.submitted",
        [("nominations", "POST", "/api/nominations/{id:guid}/decision")] = "handler:nomination.approved,nomination.returned,nomination.rejected",
        [("nominations", "POST", "/api/nominations/pocs/{pocId:guid}/withdrawal")] = "handler:poc.withdrawn",
        [("nominations", "GET", "/api/nominations/update-requests")] = "filter:update-requests.read",
        [("nominations", "POST", "/api/nominations/update-requests/rounds")] = "handler:update-request.round-started",
        [("nominations", "GET", "/api/nominations/states/{state}/update-request")] = "filter:update-request.read",
        [("nominations", "POST", "/api/nominations/states/{state}/update-request/confirmations")] = "handler:update-request.confirmed",
        [("nominations", "POST", "/api/nominations/confirmation/lookup")] = "handler:nomination.looked-up",
        [("nominations", "POST", "/api/nominations/confirmation/")] = "handler:nomination.confirmed,nomination.declined",
        [("notifications", "GET", "/api/notifications/member-states")] = "-",
        [("meetings", "GET", "/api/meetings/member-states")] = "-",
        [("meetings", "GET", "/api/meetings/schedule")] = "-",
        [("meetings", "GET", "/api/meetings/schedule.ics")] = "-",
        [("meetings", "GET", "/api/meetings/")] = "-",
        [("meetings", "GET", "/api/meetings/{id:guid}")] = "-",
        [("meetings", "GET", "/api/meetings/{id:guid}.ics")] = "-",
        [("meetings", "POST", "/api/meetings/")] = "handler:meeting.scheduled",
        [("meetings", "PUT", "/api/meetings/{id:guid}")] = "handler:meeting.changed",
        [("meetings", "POST", "/api/meetings/{id:guid}/cancellation")] = "handler:meeting.cancelled",
        [("meetings", "GET", "/api/meetings/openapi/{documentName}.json")] = "-",
        [("meetings", "GET", "/api/meetings/missions/")] = "-",
        [("meetings", "PUT", "/api/meetings/missions/{state}")] = "handler:mission.changed",
        [("meetings", "POST", "/api/meetings/missions/import")] = "handler:missions.imported",
        [("meetings", "GET", "/api/meetings/letters/")] = "-",
        [("meetings", "GET", "/api/meetings/letters/{id:guid}")] = "-",
        [("meetings", "POST", "/api/meetings/letters/")] = "handler:letter.drafted",
        [("meetings", "PUT", "/api/meetings/letters/{id:guid}")] = "handler:letter.changed",
        [("meetings", "POST", "/api/meetings/letters/{id:guid}/sending")] = "handler:letter.sent",
        [("identity", "GET", "/api/identity/me")] = "-",
        [("identity", "GET", "/api/identity/users")] = "filter:accounts.read",
        [("identity", "GET", "/api/identity/invitations")] = "filter:invitations.read",
        [("identity", "POST", "/api/identity/invitations")] = "handler:invitation.sent",
        [("identity", "POST", "/api/identity/users/{id}/disable")] = "handler:account.disabled",
        [("identity", "POST", "/api/identity/users/{id}/enable")] = "handler:account.enabled",
        [("identity", "GET", "/api/identity/audit/")] = "handler:audit.searched",
        [("identity", "GET", "/api/identity/audit/verification")] = "filter:audit.verified",
        [("identity", "GET", "/api/identity/machine-clients/")] = "filter:machine-clients.read",
        [("identity", "POST", "/api/identity/machine-clients/")] = "handler:machine-client.created",
        [("identity", "DELETE", "/api/identity/machine-clients/{clientId}")] = "handler:machine-client.revoked",
    };

    /// <summary>The actions an endpoint's entry names (none for "-").</summary>
    public static IReadOnlyList<string> Actions(string entry) => entry == "-" ? [] : entry[(entry.IndexOf(':') + 1)..].Split(',');
}
