using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Identity.Model;

namespace PocDirectory.Identity.Infrastructure;

/// <summary>
/// Accounts and roles (ASP.NET Core Identity's schema), OpenIddict's applications, scopes,
/// authorizations and tokens, the signing keys, and the service's outbox and inbox.
/// </summary>
public sealed class PocIdentityDbContext(DbContextOptions<PocIdentityDbContext> options)
    : IdentityDbContext<IdentityUser>(options)
{
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();

    public DbSet<MemberStateCopy> MemberStates => Set<MemberStateCopy>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict();
        modelBuilder.Entity<SigningKey>(key =>
        {
            key.ToTable("signing_keys");
            key.Property(k => k.Id).HasColumnName("id");
            key.Property(k => k.Purpose).HasColumnName("purpose").HasMaxLength(16);
            key.Property(k => k.Pkcs8).HasColumnName("pkcs8");
            key.Property(k => k.CreatedAt).HasColumnName("created_at");
            key.Property(k => k.RetiredAt).HasColumnName("retired_at");
        });
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.AddMemberStateCopy();
    }
}
