using System.Security.Claims;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using PocDirectory.Identity.Accounts;

namespace PocDirectory.UnitTests;

/// <summary>How old a session may be: fresh enough to change credentials, and within its absolute lifetime.</summary>
public sealed class SessionRulesTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));

    private SessionRules Rules(Dictionary<string, string?>? settings = null) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build(), _clock);

    private ClaimsPrincipal SignedInNow(params string[] methods) =>
        new(new ClaimsIdentity(SignInMethods.SignedIn(methods, _clock), "test"));

    [Fact]
    public void A_sign_in_is_fresh_for_ten_minutes_then_a_credential_change_needs_another()
    {
        var rules = Rules();
        var session = SignedInNow("pwd", "otp", "mfa");
        Assert.True(rules.IsFresh(session));
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.True(rules.IsFresh(session));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(rules.IsFresh(session));
        Assert.False(rules.HasEnded(session));
    }

    [Fact]
    public void A_session_ends_twelve_hours_after_its_sign_in_however_often_it_is_renewed()
    {
        var rules = Rules();
        var session = SignedInNow("hwk", "mfa");
        for (var hour = 0; hour < 12; hour++)
        {
            _clock.Advance(TimeSpan.FromHours(1));
            // A renewal (security stamp check, password change) carries how and when, and proves nothing new.
            var renewed = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "someone")], "test"));
            SignInMethods.Carry(session, renewed);
            session = renewed;
        }
        Assert.False(rules.HasEnded(session));
        Assert.Equal(["hwk", "mfa"], session.FindAll("amr").Select(c => c.Value));
        Assert.Single(session.FindAll("auth_time"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(rules.HasEnded(session));
    }

    [Fact]
    public void Setting_up_a_second_factor_adds_the_method_but_keeps_when_the_session_signed_in()
    {
        var rules = Rules();
        var passwordOnly = SignedInNow("pwd");
        _clock.Advance(TimeSpan.FromHours(11));
        var enrolled = new ClaimsPrincipal(new ClaimsIdentity(SignInMethods.Extended(passwordOnly, ["pwd", "otp", "mfa"], _clock), "test"));
        Assert.Equal(["pwd", "otp", "mfa"], enrolled.FindAll("amr").Select(c => c.Value));
        Assert.Equal(SessionRules.SignedInAt(passwordOnly), SessionRules.SignedInAt(enrolled));
        Assert.False(rules.IsFresh(enrolled));
        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.True(rules.HasEnded(enrolled));
    }

    [Fact]
    public void A_session_that_never_said_when_it_signed_in_is_neither_fresh_nor_alive()
    {
        var rules = Rules();
        var old = new ClaimsPrincipal(new ClaimsIdentity([new Claim("amr", "pwd"), new Claim("amr", "mfa")], "test"));
        Assert.False(rules.IsFresh(old));
        Assert.True(rules.HasEnded(old));
        var garbled = new ClaimsPrincipal(new ClaimsIdentity([new Claim("auth_time", "-5")], "test"));
        Assert.False(rules.IsFresh(garbled));
        Assert.True(rules.HasEnded(garbled));
    }

    [Fact]
    public void A_sign_in_dated_in_the_future_is_not_fresh()
    {
        var rules = Rules();
        var future = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("auth_time", _clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))], "test"));
        Assert.False(rules.IsFresh(future));
    }

    [Fact]
    public void The_windows_are_configurable()
    {
        var rules = Rules(new() { ["SignIn:FreshMinutes"] = "2", ["SignIn:SessionHours"] = "1" });
        var session = SignedInNow("pwd", "mfa");
        _clock.Advance(TimeSpan.FromMinutes(3));
        Assert.False(rules.IsFresh(session));
        Assert.False(rules.HasEnded(session));
        _clock.Advance(TimeSpan.FromMinutes(58));
        Assert.True(rules.HasEnded(session));
    }
}
