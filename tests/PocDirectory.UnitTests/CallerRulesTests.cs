using System.Security.Claims;

namespace PocDirectory.UnitTests;

/// <summary>Who a token says the caller is, as every service reads it: the roles it acts with.</summary>
public sealed class CallerRulesTests
{
    private static Caller From(string? state, params string[] roles) =>
        Caller.From(new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("sub", "person-1"), new Claim("client_id", "web"), .. roles.Select(r => new Claim("role", r)),
             .. state is null ? Array.Empty<Claim>() : [new Claim(ApiScopes.StateClaim, state)]], "test")));

    [Theory]
    [InlineData(Roles.Operations, Roles.FocalPoint)]
    [InlineData(Roles.Operations, Roles.PointOfContact)]
    [InlineData(Roles.ChairOffice, Roles.FocalPoint)]
    [InlineData(Roles.ChairOffice, Roles.PointOfContact)]
    public void A_contact_blind_role_cancels_a_State_bound_one_in_every_check(string blind, string bound)
    {
        var caller = From("FRA", blind, bound);

        Assert.Equal([blind], caller.Roles);
        Assert.False(caller.HoldsFor(bound, "FRA"));
        Assert.False(caller.MaintainsState("FRA"));
        Assert.False(caller.OverseesState("FRA"));
        Assert.True(Roles.IsForbiddenCombination([blind, bound]));
    }

    [Fact]
    public void Other_roles_are_kept_as_held()
    {
        Assert.True(From("FRA", Roles.FocalPoint, Roles.PointOfContact).MaintainsState("FRA"));
        Assert.Equal([Roles.ChairOffice, Roles.Operations], From(null, Roles.Operations, Roles.ChairOffice).Roles.Order());
        // The directory manager keeps everything: it reads the directory in any case.
        Assert.Equal(3, From("FRA", Roles.DirectoryManager, Roles.Operations, Roles.FocalPoint).Roles.Count);
        Assert.False(Roles.IsForbiddenCombination([Roles.FocalPoint, Roles.PointOfContact]));
        Assert.False(Roles.IsForbiddenCombination([Roles.Operations, Roles.ChairOffice, Roles.DirectoryManager]));
    }
}
