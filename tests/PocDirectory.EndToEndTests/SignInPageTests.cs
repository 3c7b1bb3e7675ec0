using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// A person's way in, in real Chromium: the e-mailed invitation, the password, the authenticator app
/// (codes computed by the test, as the app would), the recovery codes, the Web signed in through
/// Identity and the gateway, sign-out and sign-in again.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SignInPageTests(SystemFixture fixture) : IAsyncLifetime
{
    private Chromium _chromium = null!;

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    // Redirect chains (Web → gateway → Identity → Web) may end before a wait starts: assertions poll
    // the address instead of waiting for a navigation event that has already happened.
    [Fact]
    public async Task A_directory_manager_accepts_the_invitation_enrols_an_authenticator_and_administers_users_in_the_Web()
    {
        var email = TestPerson.UniqueEmail("dm");
        await TestPerson.InviteAsync(fixture.System, email, "Dana Manager", Roles.DirectoryManager);
        var link = (await Mailbox.InvitationLinkAsync(fixture.System, email)).Value;
        var web = fixture.System.Url(ResourceNames.Web).ToString().TrimEnd('/');
        var page = await _chromium.Browser.NewPageAsync();

        await page.GotoAsync(link);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Accept your invitation" })).ToBeVisibleAsync();
        // Identity's own stylesheet, through the gateway, under Identity's page headers.
        Assert.Equal("rgb(11, 92, 171)", await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('button')).backgroundColor"));
        await page.GetByLabel("Choose a password").FillAsync(TestPerson.DefaultPassword);
        await page.GetByLabel("Repeat the password").FillAsync(TestPerson.DefaultPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create my account" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Set up your second factor" })).ToBeVisibleAsync();
        Assert.StartsWith("data:image/png;base64,", await page.Locator("img.qr").GetAttributeAsync("src"));
        var key = (await page.GetByTestId("authenticator-key").InnerTextAsync()).Replace(" ", "").ToUpperInvariant();
        var person = new TestPerson(email, TestPerson.DefaultPassword, key, []);
        await page.GetByLabel("Code from the app").FillAsync(person.Code());
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);
        await page.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("enrolment-recovery-codes.png") });

        // On to the Web, which signs in at Identity (already signed in there) and comes back.
        await page.GetByRole(AriaRole.Link, new() { Name = "I have kept them: continue" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(web + "/");
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("Dana Manager");

        await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("accounts")).ToContainTextAsync(email);
        // A mistake is named beside its field; nothing is sent.
        await page.GetByLabel("E-mail address").FillAsync("not-an-address");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the invitation" }).ClickAsync();
        await Assertions.Expect(page.Locator(".field-error").First).ToBeVisibleAsync();
        Assert.Equal(3, await page.Locator(".field-error").CountAsync()); // name, e-mail, roles
        var invitee = TestPerson.UniqueEmail("fp");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Fatou Point <script>alert(1)</script>");
        await page.GetByLabel("E-mail address").FillAsync(invitee);
        await page.GetByLabel("State focal point").CheckAsync();
        await page.Locator("#invite-state").FillAsync("SEN");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the invitation" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("invitation-sent")).ToContainTextAsync(invitee);
        await Assertions.Expect(page.GetByTestId("invitations")).ToContainTextAsync("Fatou Point <script>alert(1)</script>");
        await Mailbox.InvitationLinkAsync(fixture.System, invitee);
        await page.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("users.png"), FullPage = true });

        // Sign out of the Web and of Identity, then in again with the password and the app.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(web + "/");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await SignInWithAppAsync(page, person);
        await Assertions.Expect(page).ToHaveURLAsync(web + "/");
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("Dana Manager");
    }

    [Fact]
    public async Task A_focal_point_signs_in_at_the_documented_localhost_address_and_finds_no_user_administration()
    {
        var person = await TestPerson.CreateAsync(fixture.System, "fp-web", Roles.FocalPoint, "BRA");
        // The address the README gives people, not the 127.0.0.1 one the AppHost gives the services.
        var web = fixture.System.WebOrigin.ToString().TrimEnd('/');
        Assert.Equal("localhost", fixture.System.WebOrigin.Host);
        var page = await _chromium.Browser.NewPageAsync();

        await page.GotoAsync(web + "/admin/users");
        await EnterPasswordAsync(page, person);
        await page.GetByRole(AriaRole.Link, new() { Name = "Use a recovery code" }).ClickAsync();
        await page.GetByLabel("Recovery code").FillAsync(person.RecoveryCodes[0]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        try
        {
            await Assertions.Expect(page).ToHaveURLAsync(web + "/access-denied?ReturnUrl=%2Fadmin%2Fusers");
        }
        catch (PlaywrightException ex)
        {
            throw new Xunit.Sdk.XunitException($"Ended on {page.Url}: {await page.InnerTextAsync("body")}\n{ex.Message}");
        }
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not available to you" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("Test fp-web");
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).CountAsync());
    }

    [Fact]
    public async Task The_directory_manager_creates_and_revokes_a_machine_client_and_finds_both_in_the_audit_log()
    {
        var manager = await TestPerson.CreateAsync(fixture.System, "dm-clients", Roles.DirectoryManager);
        var web = fixture.System.Url(ResourceNames.Web).ToString().TrimEnd('/');
        var page = await _chromium.Browser.NewPageAsync();
        await page.GotoAsync(web + "/admin/machine-clients");
        await SignInWithAppAsync(page, manager);
        await Assertions.Expect(page).ToHaveURLAsync(web + "/admin/machine-clients");

        var clientId = "cert-" + Guid.NewGuid().ToString("N")[..8];
        await page.GetByLabel("Client id").FillAsync(clientId);
        await page.GetByLabel("State").FillAsync("NOR");
        await page.GetByLabel("directory.read").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the client" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("machine-client-created")).ToContainTextAsync(clientId);
        var secret = await page.GetByTestId("client-secret").InnerTextAsync();
        await Assertions.Expect(page.Locator($"tr[data-client='{clientId}']")).ToContainTextAsync("NOR");

        // The secret works at once, for the scope granted.
        var client = new MachineClient(clientId, secret);
        var token = await client.AccessTokenAsync(fixture.Gateway, "directory.read");
        Assert.Equal("NOR", AccessTests.Decode(token).Payload["state"]!.GetValue<string>());

        await page.Locator($"tr[data-client='{clientId}']").GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.Locator($"tr[data-client='{clientId}']")).ToHaveCountAsync(0);
        Assert.False((await client.RequestTokenAsync(fixture.Gateway, "directory.read")).IsSuccessStatusCode);

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        // Intact once a checkpoint outside the database vouches for it (one every half minute from the first record).
        await Eventually.Until(async () =>
        {
            var text = await page.GetByTestId("audit-chain").InnerTextAsync();
            if (!text.Contains("intact", StringComparison.Ordinal))
            {
                await page.ReloadAsync();
            }
            return text;
        }, text => text.Contains("The log is intact", StringComparison.Ordinal) && text.Contains("checkpoints kept outside the database agree", StringComparison.Ordinal),
            TimeSpan.FromSeconds(75), "the audit log shown intact and anchored");
        await page.GetByLabel("What").FillAsync("machine-client");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("action=machine-client"));
        var rows = page.Locator("[data-testid=audit-records] tbody tr").Filter(new() { HasText = clientId });
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.First).ToContainTextAsync("machine-client.revoked");
        await Assertions.Expect(rows.First).ToContainTextAsync("Test dm-clients");
        await page.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("audit-log.png"), FullPage = true });
    }

    /// <summary>The sign-in page's two steps: the password, then the authenticator app's code.</summary>
    internal static async Task SignInWithAppAsync(IPage page, TestPerson person)
    {
        await EnterPasswordAsync(page, person);
        await page.GetByLabel("Code from your authenticator app").FillAsync(person.Code());
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    private static async Task EnterPasswordAsync(IPage page, TestPerson person)
    {
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GetByLabel("E-mail address").FillAsync(person.Email);
        await page.GetByLabel("Password").FillAsync(person.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
    }

    [Fact]
    public async Task A_person_enrols_a_passkey_with_a_virtual_authenticator_and_signs_in_with_it_alone()
    {
        var email = TestPerson.UniqueEmail("passkey");
        await TestPerson.InviteAsync(fixture.System, email, "Pat Keyholder", Roles.PointOfContact, "CHL");
        var link = (await Mailbox.InvitationLinkAsync(fixture.System, email)).Value;
        Assert.StartsWith(fixture.System.PublicOrigin.ToString(), link); // a domain name: passkeys refuse IP addresses
        var web = fixture.System.Url(ResourceNames.Web).ToString().TrimEnd('/');
        var page = await _chromium.Browser.NewPageAsync();
        // Chromium's virtual authenticator (the DevTools WebAuthn domain): a platform authenticator that
        // keeps discoverable credentials and verifies the person at once.
        var devtools = await page.Context.NewCDPSessionAsync(page);
        await devtools.SendAsync("WebAuthn.enable", new Dictionary<string, object> { ["enableUI"] = false });
        await devtools.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2", ["transport"] = "internal", ["hasResidentKey"] = true,
                ["hasUserVerification"] = true, ["isUserVerified"] = true, ["automaticPresenceSimulation"] = true,
            },
        });

        await page.GotoAsync(link);
        await page.GetByLabel("Choose a password").FillAsync(TestPerson.DefaultPassword);
        await page.GetByLabel("Repeat the password").FillAsync(TestPerson.DefaultPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create my account" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create a passkey" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your passkey is set up");
        await Assertions.Expect(page.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);
        await page.GetByRole(AriaRole.Link, new() { Name = "I have kept them: continue" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("Pat Keyholder");
        await Mailbox.WaitForAsync(fixture.System, email, new("Subject: Security notice: Passkey added"));

        // Out, and in again with the passkey alone: no address, no password.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        // The button works once the sign-in page's script has run (its load event): a click before that does nothing.
        await page.WaitForURLAsync("**/account/sign-in**", new() { WaitUntil = WaitUntilState.Load });
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(web + "/");
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("Pat Keyholder");

        // The account page lists it; the only second factor cannot be removed.
        await page.GotoAsync(fixture.System.PublicOrigin + "account/manage");
        await Assertions.Expect(page.GetByTestId("passkeys").Locator("li")).ToHaveCountAsync(1);
        await page.GetByTestId("passkeys").GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("only second factor");

        // With an authenticator app set up as well, the passkey may go.
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up an authenticator app" }).ClickAsync();
        var key = (await page.GetByTestId("authenticator-key").InnerTextAsync()).Replace(" ", "").ToUpperInvariant();
        await page.GetByLabel("Code from the app").FillAsync(new TestPerson(email, TestPerson.DefaultPassword, key, []).Code());
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("authenticator app is set up");
        await page.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("my-account.png"), FullPage = true });
        await page.GetByTestId("passkeys").GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Passkey removed");
        await Mailbox.WaitForAsync(fixture.System, email, new("Subject: Security notice: Passkey removed"));
    }

    [Fact]
    public async Task A_session_survives_a_restart_of_the_Web_and_of_Identity()
    {
        var manager = await TestPerson.CreateAsync(fixture.System, "dm-restart", Roles.DirectoryManager);
        var web = fixture.System.Url(ResourceNames.Web).ToString().TrimEnd('/');
        var page = await _chromium.Browser.NewPageAsync();
        await page.GotoAsync(web + "/admin/users");
        await SignInWithAppAsync(page, manager);
        await Assertions.Expect(page.GetByTestId("accounts")).ToContainTextAsync(manager.Email);

        // Sessions live in Redis and their keys are shared: a new Web process reads the same cookie,
        // and a new Identity process still honours the tokens and its own sign-in cookie.
        foreach (var service in new[] { ResourceNames.Web, ResourceNames.Identity })
        {
            var before = fixture.System.Resource(service);
            System.Diagnostics.Process.GetProcessById(before.Pid!.Value).Kill(entireProcessTree: true);
            await fixture.System.WaitUntilAsync(
                r => r.Single(x => x.Name == service) is { State: "Running" } x && x.Pid != before.Pid,
                TimeSpan.FromMinutes(2), $"{service} running again");
        }
        await Task.Delay(TimeSpan.FromSeconds(6)); // past Identity's session check (5 s here), which rebuilds its session
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("Test dm-restart");
        await Assertions.Expect(page.GetByTestId("accounts")).ToContainTextAsync(manager.Email);
        await page.GotoAsync(fixture.System.PublicOrigin + "account/manage");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My account" })).ToBeVisibleAsync();
    }
}
