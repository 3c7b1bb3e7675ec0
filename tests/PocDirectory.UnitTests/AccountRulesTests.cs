using System.Security.Claims;
using Microsoft.Extensions.Hosting;
using PocDirectory.Identity.Accounts;
using PocDirectory.Web.Services;

namespace PocDirectory.UnitTests;

/// <summary>The rules of people's accounts that need no server: passwords, second factors in tokens, where pages may lead.</summary>
public sealed class AccountRulesTests
{
    private static readonly PocUser Amina = new() { Email = "amina.diallo@example.org", DisplayName = "Amina Diallo" };

    [Theory]
    [InlineData("password1234", "PasswordCommon")]
    [InlineData("Password1234", "PasswordCommon")]
    [InlineData("aaaaaaaaaaaaaaa", "PasswordPattern")]
    [InlineData("abababababababab", "PasswordPattern")]
    [InlineData("3456789012345", "PasswordPattern")]
    [InlineData("qwertyuiopasdf", "PasswordPattern")]
    [InlineData("my name is amina diallo", "PasswordPersonal")]
    [InlineData("amina.diallo is here 2026", "PasswordPersonal")]
    public async Task Common_patterned_and_personal_passwords_are_refused(string password, string code)
    {
        var result = await new PasswordPolicy().ValidateAsync(null!, Amina, password);
        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Code == code);
    }

    [Theory]
    [InlineData("a long and quiet harbour at dusk")]
    [InlineData("Tr0ub4dor&3-horse-staple")]
    [InlineData("縄文時代の土器は美しいと思う")]
    public async Task A_long_unusual_password_passes(string password) =>
        Assert.True((await new PasswordPolicy().ValidateAsync(null!, Amina, password)).Succeeded);

    [Fact]
    public void A_machine_clients_token_speaks_for_itself_and_needs_no_second_factor() =>
        Assert.True(MultiFactorTokens.IsAcceptable(Principal(("sub", "cert-fra"), ("client_id", "cert-fra"))));

    [Fact]
    public void A_persons_token_needs_mfa_among_its_methods()
    {
        Assert.True(MultiFactorTokens.IsAcceptable(Principal(("sub", "u1"), ("client_id", "web"), ("amr", "pwd"), ("amr", "otp"), ("amr", "mfa"))));
        Assert.False(MultiFactorTokens.IsAcceptable(Principal(("sub", "u1"), ("client_id", "web"), ("amr", "pwd"))));
        Assert.False(MultiFactorTokens.IsAcceptable(Principal(("sub", "u1"), ("client_id", "web"))));
        Assert.False(MultiFactorTokens.IsAcceptable(Principal(("sub", "u1"))));
        Assert.False(MultiFactorTokens.IsAcceptable(Principal(("client_id", "web"), ("amr", "mfa"))));
    }

    [Theory]
    [InlineData("/connect/authorize?client_id=web&x=1", "/connect/authorize?client_id=web&x=1")]
    [InlineData("/account/manage", "/account/manage")]
    [InlineData("//evil.example/path", "/account/manage")]
    [InlineData("/\\evil.example", "/account/manage")]
    [InlineData("https://evil.example/", "/account/manage")]
    [InlineData("javascript:alert(1)", "/account/manage")]
    [InlineData("/\t/evil.example", "/account/manage")]
    [InlineData("/\n/evil.example", "/account/manage")]
    [InlineData("/ /evil.example", "/account/manage")]
    [InlineData("", "/account/manage")]
    [InlineData(null, "/account/manage")]
    public void Identity_pages_lead_only_to_its_own_addresses(string? returnUrl, string expected) =>
        Assert.Equal(expected, AccountPages.SafeReturnUrl(returnUrl));

    [Theory]
    [InlineData("/admin/users", "/admin/users")]
    [InlineData("//evil.example", "/")]
    [InlineData("https://evil.example", "/")]
    [InlineData("/\t/evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData(null, "/")]
    public void The_Web_returns_after_sign_in_only_to_its_own_pages(string? returnUrl, string expected) =>
        Assert.Equal(expected, WebSessions.SafeLocal(returnUrl));

    [Theory]
    [InlineData("a.person@example.org", true)]
    [InlineData("Name <a.person@example.org>", false)]
    [InlineData("a.person@localhost", false)]
    [InlineData("not an address", false)]
    [InlineData("", false)]
    public void Invitations_go_to_plain_addresses_only(string address, bool accepted) =>
        Assert.Equal(accepted, PocDirectory.BuildingBlocks.Validation.EmailAddresses.IsValid(address));

    private static ClaimsPrincipal Principal(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "test"));
}
