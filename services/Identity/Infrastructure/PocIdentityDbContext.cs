using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;

namespace PocDirectory.Identity.Infrastructure;

/// <summary>Accounts and roles (ASP.NET Core Identity's schema) and the service's outbox and inbox.</summary>
public sealed class PocIdentityDbContext(DbContextOptions<PocIdentityDbContext> options)
    : IdentityDbContext<IdentityUser>(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.AddOutboxAndInbox();
    }
}
