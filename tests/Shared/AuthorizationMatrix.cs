namespace PocDirectory;

/// <summary>
/// The authorization matrix: every API endpoint of every service × every kind of caller → the status
/// it must answer, through the gateway and directly on the service's port alike. The integration tests
/// check that every API endpoint the services map has a row here; the end-to-end tests drive every
/// row with real tokens against the running system.
/// </summary>
public static class AuthorizationMatrix
{
    /// <summary>The callers, in the order of each row's statuses.</summary>
    public static readonly string[] Principals =
    [
        "anonymous",            // no token
        "directory-manager",    // a person, two factors
        "focal-point FRA",
        "focal-point DEU",
        "point-of-contact KEN",
        "chair-office",
        "operations",
        "operations + focal-point FRA",      // an account from before the combination was refused: acts as operations only
        "chair-office + point-of-contact FRA", // the same for the Chair's office
        "machine FRA",          // client credentials, every read scope
        "person without MFA",   // signed with Identity's real key, amr without mfa
        "expired",              // signed with Identity's real key, expired
        "forged",               // signed with another key
        "wrong audience",       // signed with Identity's real key, for another API
        "delegate FRA",         // a member of France's Permanent Mission: meetings and letters, no contact data
    ];

    /// <summary>(service, method, route pattern as mapped, a concrete path, statuses in <see cref="Principals"/> order).</summary>
    public static readonly (string Service, string Method, string Route, string Path, string Expected)[] Rows =
    [
        // Public reference data: answered whatever the token (a token is not even read).
        ("directory", "GET", "/api/directory/member-states/", "/api/directory/member-states", "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
        ("directory", "GET", "/api/directory/member-states/{code}", "/api/directory/member-states/FRA", "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
        // Read for any valid token addressed to the service.
        ("nominations", "GET", "/api/nominations/member-states", "/api/nominations/member-states", "401 200 200 200 200 200 200 200 200 200 401 401 401 401 200"),
        ("notifications", "GET", "/api/notifications/member-states", "/api/notifications/member-states", "401 200 200 200 200 200 200 200 200 200 401 401 401 401 200"),
        ("meetings", "GET", "/api/meetings/member-states", "/api/meetings/member-states", "401 200 200 200 200 200 200 200 200 200 401 401 401 401 200"),
        // Identity's API is for people (a machine client's token is not addressed to it).
        ("identity", "GET", "/api/identity/me", "/api/identity/me", "401 200 200 200 200 200 200 200 200 401 401 401 401 401 200"),
        ("identity", "GET", "/api/identity/users", "/api/identity/users", "401 200 403 403 403 403 403 403 403 401 401 401 401 401 403"),
        ("identity", "GET", "/api/identity/invitations", "/api/identity/invitations", "401 200 403 403 403 403 403 403 403 401 401 401 401 401 403"),
        // The audit log: the directory manager's alone (operations never sees its content).
        ("identity", "GET", "/api/identity/audit/", "/api/identity/audit", "401 200 403 403 403 403 403 403 403 401 401 401 401 401 403"),
        ("identity", "GET", "/api/identity/audit/verification", "/api/identity/audit/verification", "401 200 403 403 403 403 403 403 403 401 401 401 401 401 403"),
        ("identity", "GET", "/api/identity/machine-clients/", "/api/identity/machine-clients", "401 200 403 403 403 403 403 403 403 401 401 401 401 401 403"),
        // Writes are sent with a body that fails validation: the directory manager gets as far as the check (400), nobody else does.
        ("identity", "POST", "/api/identity/invitations", "/api/identity/invitations", "401 400 403 403 403 403 403 403 403 401 401 401 401 401 403"),
        ("identity", "POST", "/api/identity/machine-clients/", "/api/identity/machine-clients", "401 400 403 403 403 403 403 403 403 401 401 401 401 401 403"),
        ("identity", "DELETE", "/api/identity/machine-clients/{clientId}", "/api/identity/machine-clients/no-such-client", "401 404 403 403 403 403 403 403 403 401 401 401 401 401 403"),
        ("identity", "POST", "/api/identity/users/{id}/disable", "/api/identity/users/no-such-account/disable", "401 404 403 403 403 403 403 403 403 401 401 401 401 401 403"),
        ("identity", "POST", "/api/identity/users/{id}/enable", "/api/identity/users/no-such-account/enable", "401 404 403 403 403 403 403 403 403 401 401 401 401 401 403"),
        // Nominations: a State's focal point writes for its own State (a body without a State fails validation), the directory
        // manager reviews; nobody else, machine clients included. An unknown id is 404 for every signed-in caller.
        ("nominations", "GET", "/api/nominations/states/{state}", "/api/nominations/states/FRA", "401 200 200 403 403 403 403 403 403 403 401 401 401 401 403"),
        ("nominations", "POST", "/api/nominations/", "/api/nominations", "401 403 400 400 403 403 403 403 403 403 401 401 401 401 403"),
        ("nominations", "GET", "/api/nominations/review", "/api/nominations/review", "401 200 403 403 403 403 403 403 403 403 401 401 401 401 403"),
        ("nominations", "GET", "/api/nominations/{id:guid}", "/api/nominations/0198a5c2-0000-7000-8000-000000000001", "401 404 404 404 404 404 404 404 404 404 401 401 401 401 404"),
        ("nominations", "PUT", "/api/nominations/{id:guid}", "/api/nominations/0198a5c2-0000-7000-8000-000000000001", "401 404 404 404 404 404 404 404 404 404 401 401 401 401 404"),
        ("nominations", "DELETE", "/api/nominations/{id:guid}", "/api/nominations/0198a5c2-0000-7000-8000-000000000001", "401 404 404 404 404 404 404 404 404 404 401 401 401 401 404"),
        ("nominations", "POST", "/api/nominations/{id:guid}/submission", "/api/nominations/0198a5c2-0000-7000-8000-000000000001/submission", "401 404 404 404 404 404 404 404 404 404 401 401 401 401 404"),
        ("nominations", "POST", "/api/nominations/{id:guid}/decision", "/api/nominations/0198a5c2-0000-7000-8000-000000000001/decision", "401 400 403 403 403 403 403 403 403 403 401 401 401 401 403"),
        ("nominations", "POST", "/api/nominations/pocs/{pocId:guid}/withdrawal", "/api/nominations/pocs/0198a5c2-0000-7000-8000-000000000001/withdrawal", "401 404 404 404 404 404 404 404 404 404 401 401 401 401 404"),
        // Update requests: the directory manager sees every State's, a focal point its own State's (DEU's list is empty; DEU has
        // no listed point of contact, so it is never asked: 404). Only the State's focal point answers (the matrix's body names
        // no entry: 400); only the directory manager starts a round (the body names no State: 400, nobody is asked).
        ("nominations", "GET", "/api/nominations/update-requests", "/api/nominations/update-requests", "401 200 200 200 403 403 403 403 403 403 401 401 401 401 403"),
        ("nominations", "GET", "/api/nominations/states/{state}/update-request", "/api/nominations/states/DEU/update-request", "401 404 403 404 403 403 403 403 403 403 401 401 401 401 403"),
        ("nominations", "POST", "/api/nominations/states/{state}/update-request/confirmations", "/api/nominations/states/DEU/update-request/confirmations", "401 403 403 400 403 403 403 403 403 403 401 401 401 401 403"),
        ("nominations", "POST", "/api/nominations/update-requests/rounds", "/api/nominations/update-requests/rounds", "401 400 403 403 403 403 403 403 403 403 401 401 401 401 403"),
        // The nominee's link is the credential: no token is read; an unknown link is 404, a body without one 400.
        ("nominations", "POST", "/api/nominations/confirmation/lookup", "/api/nominations/confirmation/lookup", "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404"),
        ("nominations", "POST", "/api/nominations/confirmation/", "/api/nominations/confirmation", "400 400 400 400 400 400 400 400 400 400 400 400 400 400 400"),
        // The confidential directory: the directory manager and participating States (FRA has a listed point of contact,
        // DEU and KEN none) — their focal points, points of contact and machine clients. Never operations or the Chair's office.
        ("directory", "GET", "/api/directory/pocs", "/api/directory/pocs", "401 200 200 403 403 403 403 403 403 200 401 401 401 401 403"),
        ("directory", "GET", "/api/directory/states", "/api/directory/states", "401 200 200 403 403 403 403 403 403 200 401 401 401 401 403"),
        ("directory", "GET", "/api/directory/pocs/{id:guid}", "/api/directory/pocs/0198a5c2-0000-7000-8000-000000000001", "401 404 404 403 403 403 403 403 403 404 401 401 401 401 403"),
        ("directory", "GET", "/api/directory/pocs/{id:guid}/history", "/api/directory/pocs/0198a5c2-0000-7000-8000-000000000001/history", "401 404 404 403 403 403 403 403 403 404 401 401 401 401 403"),
        // A listed entry of FRA ({listed FRA} is its id): its contact details for every reader of the directory; its history,
        // which keeps the details of people who have left, for the directory manager and FRA's focal points only.
        ("directory", "GET", "/api/directory/pocs/{id:guid}", "/api/directory/pocs/{listed FRA}", "401 200 200 403 403 403 403 403 403 200 401 401 401 401 403"),
        ("directory", "GET", "/api/directory/pocs/{id:guid}/history", "/api/directory/pocs/{listed FRA}/history", "401 200 200 403 403 403 403 403 403 403 401 401 401 401 403"),
        ("directory", "GET", "/api/directory/export", "/api/directory/export?format=vcard", "401 200 200 403 403 403 403 403 403 200 401 401 401 401 403"),
        ("directory", "GET", "/api/directory/changes", "/api/directory/changes?after=0", "401 200 200 403 403 403 403 403 403 200 401 401 401 401 403"),
        // Ping tests: the directory manager starts them and sees all; a focal point sees its State's part; the point of contact
        // acknowledges, signed in or with its e-mailed link (the token is the credential: no token is read, a body without one is 400).
        ("directory", "POST", "/api/directory/ping/campaigns", "/api/directory/ping/campaigns", "401 400 403 403 403 403 403 403 403 403 401 401 401 401 403"),
        ("directory", "POST", "/api/directory/ping/campaigns/check", "/api/directory/ping/campaigns/check", "401 400 403 403 403 403 403 403 403 403 401 401 401 401 403"),
        ("directory", "GET", "/api/directory/ping/campaigns", "/api/directory/ping/campaigns", "401 200 200 200 403 403 403 403 403 403 401 401 401 401 403"),
        ("directory", "GET", "/api/directory/ping/campaigns/{id:guid}", "/api/directory/ping/campaigns/0198a5c2-0000-7000-8000-000000000001", "401 404 404 404 403 403 403 403 403 403 401 401 401 401 403"),
        ("directory", "GET", "/api/directory/ping/campaigns/{id:guid}/export", "/api/directory/ping/campaigns/0198a5c2-0000-7000-8000-000000000001/export", "401 404 403 403 403 403 403 403 403 403 401 401 401 401 403"),
        ("directory", "POST", "/api/directory/ping/campaigns/{id:guid}/acknowledgement", "/api/directory/ping/campaigns/0198a5c2-0000-7000-8000-000000000001/acknowledgement", "401 403 403 403 404 403 403 403 403 403 401 401 401 401 403"),
        ("directory", "GET", "/api/directory/ping/awaiting", "/api/directory/ping/awaiting", "401 200 200 200 200 200 200 200 200 200 401 401 401 401 200"),
        ("directory", "POST", "/api/directory/ping/acknowledgements", "/api/directory/ping/acknowledgements", "400 400 400 400 400 400 400 400 400 400 400 400 400 400 400"),
        ("directory", "GET", "/api/directory/reachability", "/api/directory/reachability", "401 200 403 403 403 403 403 403 403 403 401 401 401 401 403"),
        // The machine API's OpenAPI description holds no data.
        ("directory", "GET", "/api/directory/openapi/{documentName}.json", "/api/directory/openapi/directory.json", "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
        // Meetings: the public schedule and the API's description need no token. {meeting} is a meeting for Member States
        // only: a signed-in person sees it, nobody else does (a token that fails counts as none). The Chair's office and the
        // directory manager schedule, change and cancel (a body that fails validation: nothing is written).
        ("meetings", "GET", "/api/meetings/schedule", "/api/meetings/schedule", "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
        ("meetings", "GET", "/api/meetings/schedule.ics", "/api/meetings/schedule.ics", "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
        ("meetings", "GET", "/api/meetings/openapi/{documentName}.json", "/api/meetings/openapi/meetings.json", "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
        ("meetings", "GET", "/api/meetings/", "/api/meetings", "401 200 200 200 200 200 200 200 200 403 401 401 401 401 200"),
        ("meetings", "GET", "/api/meetings/{id:guid}", "/api/meetings/{meeting}", "404 200 200 200 200 200 200 200 200 404 404 404 404 404 200"),
        ("meetings", "GET", "/api/meetings/{id:guid}.ics", "/api/meetings/{meeting}.ics", "404 200 200 200 200 200 200 200 200 404 404 404 404 404 200"),
        ("meetings", "POST", "/api/meetings/", "/api/meetings", "401 400 403 403 403 400 403 403 400 403 401 401 401 401 403"),
        ("meetings", "PUT", "/api/meetings/{id:guid}", "/api/meetings/{meeting}", "401 400 403 403 403 400 403 403 400 403 401 401 401 401 403"),
        ("meetings", "POST", "/api/meetings/{id:guid}/cancellation", "/api/meetings/{meeting}/cancellation", "401 400 403 403 403 400 403 403 400 403 401 401 401 401 403"),
        // Permanent Missions: the directory manager keeps them, the Chair's office reads them. The import reads text/csv only (415).
        ("meetings", "GET", "/api/meetings/missions/", "/api/meetings/missions", "401 200 403 403 403 200 403 403 200 403 401 401 401 401 403"),
        ("meetings", "PUT", "/api/meetings/missions/{state}", "/api/meetings/missions/FRA", "401 400 403 403 403 403 403 403 403 403 401 401 401 401 403"),
        ("meetings", "POST", "/api/meetings/missions/import", "/api/meetings/missions/import", "401 415 403 403 403 403 403 403 403 403 401 401 401 401 403"),
        // Letters: the archive is open (public letters; {letter} is a draft, which only the Chair's office and the directory
        // manager see). Sending a letter that does not exist: 404 for those who may send, 403 for the others.
        ("meetings", "GET", "/api/meetings/letters/", "/api/meetings/letters", "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
        ("meetings", "GET", "/api/meetings/letters/{id:guid}", "/api/meetings/letters/{letter}", "404 200 404 404 404 200 404 404 200 404 404 404 404 404 404"),
        ("meetings", "POST", "/api/meetings/letters/", "/api/meetings/letters", "401 400 403 403 403 400 403 403 400 403 401 401 401 401 403"),
        ("meetings", "PUT", "/api/meetings/letters/{id:guid}", "/api/meetings/letters/{letter}", "401 400 403 403 403 400 403 403 400 403 401 401 401 401 403"),
        ("meetings", "POST", "/api/meetings/letters/{id:guid}/sending", "/api/meetings/letters/0198a5c2-0000-7000-8000-000000000001/sending", "401 404 403 403 403 404 403 403 404 403 401 401 401 401 403"),
        // A mission's acknowledgement: the link's secret is the credential, whoever calls (none given here).
        ("meetings", "POST", "/api/meetings/letters/acknowledgements", "/api/meetings/letters/acknowledgements", "400 400 400 400 400 400 400 400 400 400 400 400 400 400 400"),
        // Registration: a State's delegate registers its participants ({meeting} is not open for registration: 409), sees and
        // withdraws its own; the Secretariat (directory manager) sees and exports all. Participants are people: the Chair's
        // office, which reads no one's contact details, does not see them.
        ("meetings", "GET", "/api/meetings/registrations", "/api/meetings/registrations", "401 403 403 403 403 403 403 403 403 403 401 401 401 401 200"),
        ("meetings", "GET", "/api/meetings/{id:guid}/registrations", "/api/meetings/{meeting}/registrations", "401 200 403 403 403 403 403 403 403 403 401 401 401 401 200"),
        ("meetings", "POST", "/api/meetings/{id:guid}/registrations", "/api/meetings/{meeting}/registrations", "401 403 403 403 403 403 403 403 403 403 401 401 401 401 409"),
        ("meetings", "DELETE", "/api/meetings/{id:guid}/registrations/{registrationId:guid}", "/api/meetings/{meeting}/registrations/0198a5c2-0000-7000-8000-000000000001", "401 404 403 403 403 403 403 403 403 403 401 401 401 401 404"),
        // The Secretariat approves or declines a stakeholder's participant (the body is not valid: 400 for it alone).
        ("meetings", "POST", "/api/meetings/{id:guid}/registrations/{registrationId:guid}/decision", "/api/meetings/{meeting}/registrations/0198a5c2-0000-7000-8000-000000000001/decision", "401 400 403 403 403 403 403 403 403 403 401 401 401 401 403"),
        // A stakeholder's registration link is its credential: without a token, and without a valid link (the body holds none), 400 for everyone.
        ("meetings", "POST", "/api/meetings/stakeholder-registrations/read", "/api/meetings/stakeholder-registrations/read", "400 400 400 400 400 400 400 400 400 400 400 400 400 400 400"),
        ("meetings", "POST", "/api/meetings/stakeholder-registrations/participants", "/api/meetings/stakeholder-registrations/participants", "400 400 400 400 400 400 400 400 400 400 400 400 400 400 400"),
        ("meetings", "POST", "/api/meetings/stakeholder-registrations/withdrawal", "/api/meetings/stakeholder-registrations/withdrawal", "400 400 400 400 400 400 400 400 400 400 400 400 400 400 400"),
        ("meetings", "GET", "/api/meetings/{id:guid}/registrations.csv", "/api/meetings/{meeting}/registrations.csv", "401 200 403 403 403 403 403 403 403 403 401 401 401 401 403"),
        // Invitations: the Chair's office (and the Secretariat) invite the missions and see whom; the body here names no revision.
        ("meetings", "POST", "/api/meetings/{id:guid}/invitations", "/api/meetings/{meeting}/invitations", "401 400 403 403 403 400 403 403 400 403 401 401 401 401 403"),
        ("meetings", "GET", "/api/meetings/{id:guid}/invitations", "/api/meetings/{meeting}/invitations", "401 200 403 403 403 200 403 403 200 403 401 401 401 401 403"),
        // Documents: a meeting not on the public schedule shows its documents to signed-in people; the Chair's office uploads them.
        ("meetings", "GET", "/api/meetings/{id:guid}/documents/", "/api/meetings/{meeting}/documents", "404 200 200 200 200 200 200 200 200 404 404 404 404 404 200"),
        // {document}: a document of that meeting for signed-in people only.
        ("meetings", "GET", "/api/meetings/{id:guid}/documents/{documentId:guid}/file", "/api/meetings/{meeting}/documents/{document}/file", "404 200 200 200 200 200 200 200 200 404 404 404 404 404 200"),
        ("meetings", "GET", "/api/meetings/{id:guid}/documents/{documentId:guid}/versions/{version:int}/file", "/api/meetings/{meeting}/documents/{document}/versions/1/file", "404 200 200 200 200 200 200 200 200 404 404 404 404 404 200"),
        ("meetings", "POST", "/api/meetings/{id:guid}/documents/", "/api/meetings/{meeting}/documents", "401 400 403 403 403 400 403 403 400 403 401 401 401 401 403"),
        ("meetings", "POST", "/api/meetings/{id:guid}/documents/{documentId:guid}/versions", "/api/meetings/{meeting}/documents/{document}/versions", "401 400 403 403 403 400 403 403 400 403 401 401 401 401 403"),
        ("meetings", "DELETE", "/api/meetings/{id:guid}/documents/{documentId:guid}", "/api/meetings/{meeting}/documents/0198a5c2-0000-7000-8000-000000000001", "401 404 403 403 403 404 403 403 404 403 401 401 401 401 403"),
        // A person's own calendar feed: made, seen and revoked by any signed-in person, read by its secret alone (none here).
        ("meetings", "GET", "/api/meetings/feed", "/api/meetings/feed", "401 200 200 200 200 200 200 200 200 403 401 401 401 401 200"),
        ("meetings", "POST", "/api/meetings/feed", "/api/meetings/feed", "401 201 201 201 201 201 201 201 201 403 401 401 401 401 201"),
        ("meetings", "DELETE", "/api/meetings/feed", "/api/meetings/feed", "401 204 204 204 204 204 204 204 204 403 401 401 401 401 204"),
        ("meetings", "GET", "/api/meetings/feed.ics", "/api/meetings/feed.ics", "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404"),
        // Silence procedures: the record of public ones is open; {silence} is one not public, under silence until next year, which
        // signed-in people see. The Chair's office (and the directory manager) places, extends, withdraws and announces (these
        // bodies name no revision: 400); only a delegate objects, for its own State (this body has no letter: 400), and
        // withdraws its own objection (none with this id: 404).
        ("meetings", "GET", "/api/meetings/silence-procedures/", "/api/meetings/silence-procedures", "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
        ("meetings", "GET", "/api/meetings/silence-procedures/{id:guid}", "/api/meetings/silence-procedures/{silence}", "404 200 200 200 200 200 200 200 200 404 404 404 404 404 200"),
        ("meetings", "POST", "/api/meetings/silence-procedures/", "/api/meetings/silence-procedures", "401 400 403 403 403 400 403 403 400 403 401 401 401 401 403"),
        ("meetings", "POST", "/api/meetings/silence-procedures/{id:guid}/objections", "/api/meetings/silence-procedures/{silence}/objections", "401 403 403 403 403 403 403 403 403 403 401 401 401 401 400"),
        ("meetings", "DELETE", "/api/meetings/silence-procedures/{id:guid}/objections/{objectionId:guid}", "/api/meetings/silence-procedures/{silence}/objections/0198a5c2-0000-7000-8000-000000000001", "401 403 403 403 403 403 403 403 403 403 401 401 401 401 404"),
        ("meetings", "POST", "/api/meetings/silence-procedures/{id:guid}/extension", "/api/meetings/silence-procedures/{silence}/extension", "401 400 403 403 403 400 403 403 400 403 401 401 401 401 403"),
        ("meetings", "POST", "/api/meetings/silence-procedures/{id:guid}/withdrawal", "/api/meetings/silence-procedures/{silence}/withdrawal", "401 400 403 403 403 400 403 403 400 403 401 401 401 401 403"),
        ("meetings", "POST", "/api/meetings/silence-procedures/{id:guid}/announcement", "/api/meetings/silence-procedures/{silence}/announcement", "401 400 403 403 403 400 403 403 400 403 401 401 401 401 403"),
        // The proposal's document: circulated by the Chair's office (no file name: 400), read as the procedure is (this one is not public, and has none: 404).
        ("meetings", "POST", "/api/meetings/silence-procedures/{id:guid}/documents", "/api/meetings/silence-procedures/{silence}/documents", "401 400 403 403 403 400 403 403 400 403 401 401 401 401 403"),
        ("meetings", "GET", "/api/meetings/silence-procedures/{id:guid}/documents/{version:int}/file", "/api/meetings/silence-procedures/{silence}/documents/1/file", "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404"),
        // An objection's file: added by the State's delegate (no file name: 400), read by signed-in people (none here: 404), never by a machine.
        ("meetings", "POST", "/api/meetings/silence-procedures/{id:guid}/objections/{objectionId:guid}/file", "/api/meetings/silence-procedures/{silence}/objections/0198a5c2-0000-7000-8000-000000000001/file", "401 403 403 403 403 403 403 403 403 403 401 401 401 401 400"),
        ("meetings", "GET", "/api/meetings/silence-procedures/{id:guid}/objections/{objectionId:guid}/file", "/api/meetings/silence-procedures/{silence}/objections/0198a5c2-0000-7000-8000-000000000001/file", "401 404 404 404 404 404 404 404 404 403 401 401 401 401 404"),
        // Stakeholder accreditation: the list of accredited stakeholders is public; anyone applies (a form, not JSON: 415) and
        // confirms with the e-mailed link (none given: 400). The Secretariat and the Chair's office read applications and their
        // letters; only the Secretariat checks them. Rounds are read by signed-in people (the list is empty for the others; no
        // such round: 404); the Chair's office and the Secretariat circulate them; only a Member State's delegate objects to an
        // applicant and withdraws its own objection (no such round: 404).
        ("meetings", "GET", "/api/meetings/stakeholders/accredited", "/api/meetings/stakeholders/accredited", "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
        ("meetings", "POST", "/api/meetings/stakeholders/applications", "/api/meetings/stakeholders/applications", "415 415 415 415 415 415 415 415 415 415 415 415 415 415 415"),
        ("meetings", "POST", "/api/meetings/stakeholders/applications/confirmation", "/api/meetings/stakeholders/applications/confirmation", "400 400 400 400 400 400 400 400 400 400 400 400 400 400 400"),
        ("meetings", "GET", "/api/meetings/stakeholders/applications", "/api/meetings/stakeholders/applications", "401 200 403 403 403 200 403 403 200 403 401 401 401 401 403"),
        ("meetings", "GET", "/api/meetings/stakeholders/applications/{id:guid}/letter", "/api/meetings/stakeholders/applications/0198a5c2-0000-7000-8000-000000000001/letter", "401 404 403 403 403 404 403 403 404 403 401 401 401 401 403"),
        ("meetings", "POST", "/api/meetings/stakeholders/applications/{id:guid}/check", "/api/meetings/stakeholders/applications/0198a5c2-0000-7000-8000-000000000001/check", "401 404 403 403 403 403 403 403 403 403 401 401 401 401 403"),
        ("meetings", "GET", "/api/meetings/stakeholders/rounds", "/api/meetings/stakeholders/rounds", "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
        ("meetings", "GET", "/api/meetings/stakeholders/rounds/{id:guid}", "/api/meetings/stakeholders/rounds/0198a5c2-0000-7000-8000-000000000001", "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404"),
        ("meetings", "POST", "/api/meetings/stakeholders/rounds", "/api/meetings/stakeholders/rounds", "401 400 403 403 403 400 403 403 400 403 401 401 401 401 403"),
        ("meetings", "POST", "/api/meetings/stakeholders/rounds/{id:guid}/objections", "/api/meetings/stakeholders/rounds/0198a5c2-0000-7000-8000-000000000001/objections", "401 403 403 403 403 403 403 403 403 403 401 401 401 401 404"),
        ("meetings", "DELETE", "/api/meetings/stakeholders/rounds/{id:guid}/objections/{objectionId:guid}", "/api/meetings/stakeholders/rounds/0198a5c2-0000-7000-8000-000000000001/objections/0198a5c2-0000-7000-8000-000000000001", "401 403 403 403 403 403 403 403 403 403 401 401 401 401 404"),
    ];
}
