using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.IntegrationTests.Infrastructure;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Nominations.Infrastructure;
using PocDirectory.Notifications.Infrastructure;

namespace PocDirectory.IntegrationTests.Access;

/// <summary>
/// Every endpoint each service really maps, against one table of who may call it. An endpoint added
/// without a line here fails the test, and so does one whose access differs from its line: nothing
/// becomes anonymous by accident.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class EndpointTableTests(ServersFixture servers)
{
    private const string Anonymous = "anonymous";
    private const string Token = "token";
    private const string DirectoryManager = "policy:directory-manager";
    private const string SignedInPage = "policy:signed-in";
    private const string TwoFactorPage = "policy:signed-in-mfa";

    /// <summary>(service, method, route) → access. "*" is any method. Tokens must also carry the service's audience.</summary>
    private static readonly Dictionary<(string Service, string Method, string Route), string> Table = new()
    {
        [(ResourceNames.Directory, "GET", "/api/directory/member-states/")] = Anonymous,
        [(ResourceNames.Directory, "GET", "/api/directory/member-states/{code}")] = Anonymous,
        [(ResourceNames.Nominations, "GET", "/api/nominations/member-states")] = Token,
        [(ResourceNames.Notifications, "GET", "/api/notifications/member-states")] = Token,
        [(ResourceNames.Meetings, "GET", "/api/meetings/member-states")] = Token,
        [(ResourceNames.Meetings, "GET", "/api/meetings/schedule")] = Anonymous,
        [(ResourceNames.Meetings, "GET", "/api/meetings/schedule.ics")] = Anonymous,
        [(ResourceNames.Meetings, "GET", "/api/meetings/")] = Token,
        [(ResourceNames.Meetings, "GET", "/api/meetings/{id:guid}")] = Anonymous,
        [(ResourceNames.Meetings, "GET", "/api/meetings/{id:guid}.ics")] = Anonymous,
        [(ResourceNames.Meetings, "POST", "/api/meetings/")] = Token,
        [(ResourceNames.Meetings, "PUT", "/api/meetings/{id:guid}")] = Token,
        [(ResourceNames.Meetings, "POST", "/api/meetings/{id:guid}/cancellation")] = Token,
        [(ResourceNames.Meetings, "GET", "/api/meetings/openapi/{documentName}.json")] = Anonymous,
        [(ResourceNames.Meetings, "GET", "/api/meetings/missions/")] = Token,
        [(ResourceNames.Meetings, "PUT", "/api/meetings/missions/{state}")] = Token,
        [(ResourceNames.Meetings, "POST", "/api/meetings/missions/import")] = Token,
        [(ResourceNames.Meetings, "GET", "/api/meetings/letters/")] = Anonymous,
        [(ResourceNames.Meetings, "GET", "/api/meetings/letters/{id:guid}")] = Anonymous,
        [(ResourceNames.Meetings, "POST", "/api/meetings/letters/")] = Token,
        [(ResourceNames.Meetings, "PUT", "/api/meetings/letters/{id:guid}")] = Token,
        [(ResourceNames.Meetings, "POST", "/api/meetings/letters/{id:guid}/sending")] = Token,
        [(ResourceNames.Meetings, "POST", "/api/meetings/letters/acknowledgements")] = Anonymous,
        [(ResourceNames.Meetings, "GET", "/api/meetings/registrations")] = Token,
        [(ResourceNames.Meetings, "GET", "/api/meetings/{id:guid}/registrations")] = Token,
        [(ResourceNames.Meetings, "POST", "/api/meetings/{id:guid}/registrations")] = Token,
        [(ResourceNames.Meetings, "DELETE", "/api/meetings/{id:guid}/registrations/{registrationId:guid}")] = Token,
        [(ResourceNames.Meetings, "GET", "/api/meetings/{id:guid}/registrations.csv")] = Token,
        [(ResourceNames.Meetings, "POST", "/api/meetings/{id:guid}/registrations/{registrationId:guid}/decision")] = Token,
        [(ResourceNames.Meetings, "POST", "/api/meetings/stakeholder-registrations/read")] = Anonymous,
        [(ResourceNames.Meetings, "POST", "/api/meetings/stakeholder-registrations/participants")] = Anonymous,
        [(ResourceNames.Meetings, "POST", "/api/meetings/stakeholder-registrations/withdrawal")] = Anonymous,
        [(ResourceNames.Meetings, "POST", "/api/meetings/{id:guid}/invitations")] = Token,
        [(ResourceNames.Meetings, "GET", "/api/meetings/{id:guid}/invitations")] = Token,
        [(ResourceNames.Meetings, "GET", "/api/meetings/{id:guid}/documents/")] = Anonymous,
        [(ResourceNames.Meetings, "GET", "/api/meetings/{id:guid}/documents/{documentId:guid}/file")] = Anonymous,
        [(ResourceNames.Meetings, "GET", "/api/meetings/{id:guid}/documents/{documentId:guid}/versions/{version:int}/file")] = Anonymous,
        [(ResourceNames.Meetings, "POST", "/api/meetings/{id:guid}/documents/")] = Token,
        [(ResourceNames.Meetings, "POST", "/api/meetings/{id:guid}/documents/{documentId:guid}/versions")] = Token,
        [(ResourceNames.Meetings, "DELETE", "/api/meetings/{id:guid}/documents/{documentId:guid}")] = Token,
        [(ResourceNames.Meetings, "GET", "/api/meetings/feed")] = Token,
        [(ResourceNames.Meetings, "POST", "/api/meetings/feed")] = Token,
        [(ResourceNames.Meetings, "DELETE", "/api/meetings/feed")] = Token,
        [(ResourceNames.Meetings, "GET", "/api/meetings/feed.ics")] = Anonymous,
        [(ResourceNames.Meetings, "GET", "/api/meetings/silence-procedures/")] = Anonymous,
        [(ResourceNames.Meetings, "GET", "/api/meetings/silence-procedures/{id:guid}")] = Anonymous,
        [(ResourceNames.Meetings, "POST", "/api/meetings/silence-procedures/")] = Token,
        [(ResourceNames.Meetings, "POST", "/api/meetings/silence-procedures/{id:guid}/objections")] = Token,
        [(ResourceNames.Meetings, "DELETE", "/api/meetings/silence-procedures/{id:guid}/objections/{objectionId:guid}")] = Token,
        [(ResourceNames.Meetings, "POST", "/api/meetings/silence-procedures/{id:guid}/extension")] = Token,
        [(ResourceNames.Meetings, "POST", "/api/meetings/silence-procedures/{id:guid}/withdrawal")] = Token,
        [(ResourceNames.Meetings, "POST", "/api/meetings/silence-procedures/{id:guid}/announcement")] = Token,
        [(ResourceNames.Meetings, "POST", "/api/meetings/silence-procedures/{id:guid}/documents")] = Token,
        [(ResourceNames.Meetings, "GET", "/api/meetings/silence-procedures/{id:guid}/documents/{version:int}/file")] = Anonymous,
        [(ResourceNames.Meetings, "POST", "/api/meetings/silence-procedures/{id:guid}/objections/{objectionId:guid}/file")] = Token,
        [(ResourceNames.Meetings, "GET", "/api/meetings/silence-procedures/{id:guid}/objections/{objectionId:guid}/file")] = Token,
        [(ResourceNames.Meetings, "GET", "/api/meetings/stakeholders/accredited")] = Anonymous,
        [(ResourceNames.Meetings, "POST", "/api/meetings/stakeholders/applications")] = Anonymous,
        [(ResourceNames.Meetings, "POST", "/api/meetings/stakeholders/applications/confirmation")] = Anonymous,
        [(ResourceNames.Meetings, "GET", "/api/meetings/stakeholders/applications")] = Token,
        [(ResourceNames.Meetings, "GET", "/api/meetings/stakeholders/applications/{id:guid}/letter")] = Token,
        [(ResourceNames.Meetings, "POST", "/api/meetings/stakeholders/applications/{id:guid}/check")] = Token,
        [(ResourceNames.Meetings, "GET", "/api/meetings/stakeholders/rounds")] = Anonymous,
        [(ResourceNames.Meetings, "GET", "/api/meetings/stakeholders/rounds/{id:guid}")] = Anonymous,
        [(ResourceNames.Meetings, "POST", "/api/meetings/stakeholders/rounds")] = Token,
        [(ResourceNames.Meetings, "POST", "/api/meetings/stakeholders/rounds/{id:guid}/objections")] = Token,
        [(ResourceNames.Meetings, "DELETE", "/api/meetings/stakeholders/rounds/{id:guid}/objections/{objectionId:guid}")] = Token,
        [(ResourceNames.Identity, "POST", "/connect/token")] = Anonymous,
        // The browser steps of OpenID Connect decide themselves: the sign-in cookie with two factors, or the sign-in page.
        [(ResourceNames.Identity, "GET", "/connect/authorize")] = Anonymous,
        [(ResourceNames.Identity, "POST", "/connect/authorize")] = Anonymous,
        [(ResourceNames.Identity, "GET", "/connect/endsession")] = Anonymous,
        [(ResourceNames.Identity, "POST", "/connect/endsession")] = Anonymous,
        // Identity's pages: the steps before a complete sign-in are open; enrolment needs the password
        // step; the account page needs both factors.
        [(ResourceNames.Identity, "*", "/account/sign-in")] = Anonymous,
        [(ResourceNames.Identity, "*", "/account/two-factor")] = Anonymous,
        [(ResourceNames.Identity, "*", "/account/recovery")] = Anonymous,
        [(ResourceNames.Identity, "*", "/account/invitation")] = Anonymous,
        [(ResourceNames.Identity, "*", "/account/signed-out")] = Anonymous,
        [(ResourceNames.Identity, "*", "/account/enrol")] = SignedInPage,
        [(ResourceNames.Identity, "*", "/account/manage")] = TwoFactorPage,
        [(ResourceNames.Identity, "GET", "/account/identity.{fingerprint}.css")] = Anonymous,
        [(ResourceNames.Identity, "HEAD", "/account/identity.{fingerprint}.css")] = Anonymous,
        [(ResourceNames.Identity, "GET", "/account/identity.{fingerprint}.css.gz")] = Anonymous,
        [(ResourceNames.Identity, "HEAD", "/account/identity.{fingerprint}.css.gz")] = Anonymous,
        [(ResourceNames.Identity, "GET", "/account/passkeys.{fingerprint}.js")] = Anonymous,
        [(ResourceNames.Identity, "HEAD", "/account/passkeys.{fingerprint}.js")] = Anonymous,
        [(ResourceNames.Identity, "GET", "/account/passkeys.{fingerprint}.js.gz")] = Anonymous,
        [(ResourceNames.Identity, "HEAD", "/account/passkeys.{fingerprint}.js.gz")] = Anonymous,
        [(ResourceNames.Identity, "GET", "/account/passkeys.js")] = Anonymous,
        [(ResourceNames.Identity, "HEAD", "/account/passkeys.js")] = Anonymous,
        [(ResourceNames.Identity, "GET", "/account/passkeys.js.gz")] = Anonymous,
        [(ResourceNames.Identity, "HEAD", "/account/passkeys.js.gz")] = Anonymous,
        // The favicon, also under its content's fingerprint (a new icon changes the name).
        [(ResourceNames.Identity, "GET", "/account/favicon.ico")] = Anonymous,
        [(ResourceNames.Identity, "HEAD", "/account/favicon.ico")] = Anonymous,
        [(ResourceNames.Identity, "GET", "/account/favicon.ico.gz")] = Anonymous,
        [(ResourceNames.Identity, "HEAD", "/account/favicon.ico.gz")] = Anonymous,
        [(ResourceNames.Identity, "GET", "/account/favicon.b71dzani7l.ico")] = Anonymous,
        [(ResourceNames.Identity, "HEAD", "/account/favicon.b71dzani7l.ico")] = Anonymous,
        [(ResourceNames.Identity, "GET", "/account/favicon.b71dzani7l.ico.gz")] = Anonymous,
        [(ResourceNames.Identity, "HEAD", "/account/favicon.b71dzani7l.ico.gz")] = Anonymous,
        [(ResourceNames.Identity, "GET", "/account/identity.css")] = Anonymous,
        [(ResourceNames.Identity, "HEAD", "/account/identity.css")] = Anonymous,
        [(ResourceNames.Identity, "GET", "/account/identity.css.gz")] = Anonymous,
        [(ResourceNames.Identity, "HEAD", "/account/identity.css.gz")] = Anonymous,
        // The framework's fallback for static files changed during development: behind a token like everything unlisted.
        [(ResourceNames.Identity, "GET", "/{**path:file}")] = Token,
        [(ResourceNames.Identity, "HEAD", "/{**path:file}")] = Token,
        // Identity's API: who am I for any person; the accounts for the directory manager only.
        [(ResourceNames.Identity, "GET", "/api/identity/me")] = Token,
        [(ResourceNames.Identity, "GET", "/api/identity/users")] = DirectoryManager,
        [(ResourceNames.Identity, "GET", "/api/identity/invitations")] = DirectoryManager,
        [(ResourceNames.Identity, "POST", "/api/identity/invitations")] = DirectoryManager,
        [(ResourceNames.Identity, "POST", "/api/identity/users/{id}/disable")] = DirectoryManager,
        [(ResourceNames.Identity, "POST", "/api/identity/users/{id}/enable")] = DirectoryManager,
        [(ResourceNames.Identity, "GET", "/api/identity/audit/")] = DirectoryManager,
        [(ResourceNames.Identity, "GET", "/api/identity/machine-clients/")] = DirectoryManager,
        [(ResourceNames.Identity, "POST", "/api/identity/machine-clients/")] = DirectoryManager,
        [(ResourceNames.Identity, "DELETE", "/api/identity/machine-clients/{clientId}")] = DirectoryManager,
        [(ResourceNames.Identity, "GET", "/api/identity/audit/verification")] = DirectoryManager,
        // Nominations and the directory decide per caller and State inside (a token is needed; the nominee's link is its own credential).
        [(ResourceNames.Nominations, "GET", "/api/nominations/states/{state}")] = Token,
        [(ResourceNames.Nominations, "POST", "/api/nominations/")] = Token,
        [(ResourceNames.Nominations, "GET", "/api/nominations/review")] = Token,
        [(ResourceNames.Nominations, "GET", "/api/nominations/{id:guid}")] = Token,
        [(ResourceNames.Nominations, "PUT", "/api/nominations/{id:guid}")] = Token,
        [(ResourceNames.Nominations, "DELETE", "/api/nominations/{id:guid}")] = Token,
        [(ResourceNames.Nominations, "POST", "/api/nominations/{id:guid}/submission")] = Token,
        [(ResourceNames.Nominations, "POST", "/api/nominations/{id:guid}/decision")] = Token,
        [(ResourceNames.Nominations, "POST", "/api/nominations/pocs/{pocId:guid}/withdrawal")] = Token,
        [(ResourceNames.Nominations, "GET", "/api/nominations/update-requests")] = Token,
        [(ResourceNames.Nominations, "POST", "/api/nominations/update-requests/rounds")] = Token,
        [(ResourceNames.Nominations, "GET", "/api/nominations/states/{state}/update-request")] = Token,
        [(ResourceNames.Nominations, "POST", "/api/nominations/states/{state}/update-request/confirmations")] = Token,
        [(ResourceNames.Nominations, "POST", "/api/nominations/confirmation/lookup")] = Anonymous,
        [(ResourceNames.Nominations, "POST", "/api/nominations/confirmation/")] = Anonymous,
        [(ResourceNames.Directory, "GET", "/api/directory/pocs")] = Token,
        [(ResourceNames.Directory, "GET", "/api/directory/states")] = Token,
        [(ResourceNames.Directory, "GET", "/api/directory/pocs/{id:guid}")] = Token,
        [(ResourceNames.Directory, "GET", "/api/directory/pocs/{id:guid}/history")] = Token,
        [(ResourceNames.Directory, "GET", "/api/directory/export")] = Token,
        [(ResourceNames.Directory, "GET", "/api/directory/changes")] = Token,
        [(ResourceNames.Directory, "POST", "/api/directory/ping/campaigns")] = Token,
        [(ResourceNames.Directory, "POST", "/api/directory/ping/campaigns/check")] = Token,
        [(ResourceNames.Directory, "GET", "/api/directory/ping/campaigns")] = Token,
        [(ResourceNames.Directory, "GET", "/api/directory/ping/campaigns/{id:guid}")] = Token,
        [(ResourceNames.Directory, "GET", "/api/directory/ping/campaigns/{id:guid}/export")] = Token,
        [(ResourceNames.Directory, "POST", "/api/directory/ping/campaigns/{id:guid}/acknowledgement")] = Token,
        [(ResourceNames.Directory, "GET", "/api/directory/ping/awaiting")] = Token,
        [(ResourceNames.Directory, "POST", "/api/directory/ping/acknowledgements")] = Anonymous,
        [(ResourceNames.Directory, "GET", "/api/directory/reachability")] = Token,
        [(ResourceNames.Directory, "GET", "/api/directory/openapi/{documentName}.json")] = Anonymous,
    };

    private static readonly string[] OperationalRoutes = ["/health", "/alive", "/metrics"];

    [Fact]
    public async Task Every_mapped_endpoint_of_every_service_is_in_the_access_table_with_the_access_it_has()
    {
        var actual = await MappedEndpointsAsync();

        var expected = new Dictionary<(string Service, string Method, string Route), string>(Table);
        foreach (var service in new[] { ResourceNames.Directory, ResourceNames.Nominations, ResourceNames.Notifications, ResourceNames.Meetings, ResourceNames.Identity })
        {
            foreach (var route in OperationalRoutes)
            {
                expected[(service, "*", route)] = Anonymous;
            }
        }

        var missing = actual.Keys.Except(expected.Keys).Select(k => $"{k} ({actual[k]}) is mapped but not in the table").ToList();
        var gone = expected.Keys.Except(actual.Keys).Select(k => $"{k} is in the table but not mapped").ToList();
        var differ = actual.Keys.Intersect(expected.Keys).Where(k => actual[k] != expected[k])
            .Select(k => $"{k} is {actual[k]}, the table says {expected[k]}").ToList();
        var problems = missing.Concat(gone).Concat(differ).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task Every_mapped_API_endpoint_has_a_row_in_the_authorization_matrix_and_every_row_is_mapped()
    {
        var mapped = (await MappedEndpointsAsync()).Keys.Where(k => k.Route.StartsWith("/api/", StringComparison.Ordinal)).ToHashSet();
        var rows = AuthorizationMatrix.Rows.Select(r => (r.Service, r.Method, r.Route)).ToHashSet();

        Assert.Empty(mapped.Except(rows).Select(k => $"{k} is mapped but has no row in the authorization matrix"));
        Assert.Empty(rows.Except(mapped).Select(k => $"{k} has a row in the authorization matrix but is not mapped"));
        Assert.All(AuthorizationMatrix.Rows, row => Assert.Equal(AuthorizationMatrix.Principals.Length, row.Expected.Split(' ').Length));
    }

    [Fact]
    public async Task Every_mapped_API_endpoint_says_what_it_leaves_in_the_audit_log_as_the_audit_table_does()
    {
        await MappedEndpointsAsync();
        var mapped = _audit.Where(e => e.Key.Route.StartsWith("/api/", StringComparison.Ordinal)).ToDictionary();

        var missing = mapped.Keys.Except(AuditTable.Endpoints.Keys).Select(k => $"{k} ({mapped[k]}) is mapped but not in the audit table");
        var gone = AuditTable.Endpoints.Keys.Except(mapped.Keys).Select(k => $"{k} is in the audit table but not mapped");
        var differ = mapped.Keys.Intersect(AuditTable.Endpoints.Keys).Where(k => mapped[k] != AuditTable.Endpoints[k])
            .Select(k => $"{k} is {mapped[k]}, the audit table says {AuditTable.Endpoints[k]}");
        var problems = missing.Concat(gone).Concat(differ).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>What each mapped endpoint says of the audit log (<c>AuditedEndpoint</c>), "none" when it says nothing.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Service, string Method, string Route), string> _audit = new();

    /// <summary>Each service started once for both tests: five hosts, not ten, on the shared broker.</summary>
    private static Task<Dictionary<(string Service, string Method, string Route), string>>? _mapped;

    private static readonly object MappedLock = new();

    private Task<Dictionary<(string Service, string Method, string Route), string>> MappedEndpointsAsync()
    {
        lock (MappedLock)
        {
            return _mapped ??= CollectAllAsync();
        }
    }

    private async Task<Dictionary<(string Service, string Method, string Route), string>> CollectAllAsync()
    {
        var actual = new Dictionary<(string Service, string Method, string Route), string>();
        await CollectAsync<DirectoryDbContext>(ResourceNames.Directory, ResourceNames.DirectoryDb, actual);
        await CollectAsync<NominationsDbContext>(ResourceNames.Nominations, ResourceNames.NominationsDb, actual);
        await CollectAsync<NotificationsDbContext>(ResourceNames.Notifications, ResourceNames.NotificationsDb, actual);
        await CollectAsync<MeetingsDbContext>(ResourceNames.Meetings, ResourceNames.MeetingsDb, actual);
        await CollectAsync<PocIdentityDbContext>(ResourceNames.Identity, ResourceNames.IdentityDb, actual);
        return actual;
    }

    private async Task CollectAsync<TEntryPoint>(string service, string database, Dictionary<(string Service, string Method, string Route), string> into)
        where TEntryPoint : class
    {
        await using var factory = new ServiceFactory<TEntryPoint>(servers, database, await servers.CreateDatabaseAsync(service));
        factory.CreateClient().Dispose();
        foreach (var endpoint in factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"];
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>()
                .Select(a => a.Policy ?? (a.Roles is null ? null : "roles:" + a.Roles)).OfType<string>().Distinct().Order().ToList();
            var access = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null ? Anonymous
                : policies.Count > 0 ? "policy:" + string.Join('+', policies)
                : Token;
            // Static assets carry a content hash in their name; one line stands for every version.
            var route = System.Text.RegularExpressions.Regex.Replace(
                "/" + endpoint.RoutePattern.RawText!.TrimStart('/'), @"\.[a-z0-9]{10}(?=\.(css|js))", ".{fingerprint}");
            var audited = endpoint.Metadata.GetMetadata<PocDirectory.BuildingBlocks.Audit.AuditedEndpoint>()?.ToString() ?? "none";
            foreach (var method in methods)
            {
                into[(service, method, route)] = access;
                _audit[(service, method, route)] = audited;
            }
        }
    }
}
