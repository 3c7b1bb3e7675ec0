using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Identity.Accounts;
using PocDirectory.Identity.Audit;
using PocDirectory.Identity.Model;

namespace PocDirectory.Identity.Infrastructure;

/// <summary>
/// Accounts and roles (ASP.NET Core Identity's schema), invitations, OpenIddict's applications,
/// scopes, authorizations and tokens, the signing keys, the data protection keys that protect the
/// sign-in cookies (shared by every replica), and the service's outbox and inbox.
/// </summary>
public sealed class PocIdentityDbContext(DbContextOptions<PocIdentityDbContext> options)
    : IdentityDbContext<PocUser>(options), IDataProtectionKeyContext
{
    public DbSet<Invitation> Invitations => Set<Invitation>();

    public DbSet<KnownDevice> KnownDevices => Set<KnownDevice>();

    public DbSet<DataProtectionKey> DataProtectionKeys { get; set; } = null!;

    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();

    public DbSet<MemberStateCopy> MemberStates => Set<MemberStateCopy>();

    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();

    /// <summary>The last version of each listed point of contact Identity applied: whose address holds the role.</summary>
    public DbSet<PocListing> PocListings => Set<PocListing>();

    /// <summary>Failed sign-in attempts per account, address and both (<see cref="Accounts.SignInThrottle"/>).</summary>
    public DbSet<SignInThrottleRow> SignInThrottles => Set<SignInThrottleRow>();

    /// <summary>
    /// Identity's model depends on its options (the schema version with passkeys). A context made
    /// outside the service's container (design time, tools, tests) gets the service's account options.
    /// </summary>
    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
    {
        if (optionsBuilder.Options.FindExtension<Microsoft.EntityFrameworkCore.Infrastructure.CoreOptionsExtension>()?.ApplicationServiceProvider is null)
        {
            optionsBuilder.UseApplicationServiceProvider(AccountOptionsServices.Value);
        }
    }

    private static readonly Lazy<IServiceProvider> AccountOptionsServices = new(() =>
        new ServiceCollection().Configure<IdentityOptions>(AccountOptions.Apply).BuildServiceProvider());

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
            key.Property(k => k.ActivatesAt).HasColumnName("activates_at");
        });
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_log");
            e.HasKey(a => a.Sequence);
            e.Property(a => a.Sequence).HasColumnName("sequence").ValueGeneratedNever();
            e.Property(a => a.AuditId).HasColumnName("audit_id");
            e.HasIndex(a => a.AuditId).IsUnique();
            e.Property(a => a.OccurredAt).HasColumnName("occurred_at");
            e.Property(a => a.Service).HasColumnName("service").HasMaxLength(64);
            e.Property(a => a.Actor).HasColumnName("actor").HasMaxLength(256);
            e.Property(a => a.Roles).HasColumnName("roles").HasMaxLength(256);
            e.Property(a => a.State).HasColumnName("state").HasMaxLength(3);
            e.Property(a => a.Action).HasColumnName("action").HasMaxLength(64);
            e.Property(a => a.Target).HasColumnName("target").HasMaxLength(256);
            e.Property(a => a.Outcome).HasColumnName("outcome").HasMaxLength(16);
            e.Property(a => a.Detail).HasColumnName("detail").HasMaxLength(2000);
            e.Property(a => a.TraceId).HasColumnName("trace_id").HasMaxLength(32);
            e.Property(a => a.ClientIp).HasColumnName("client_ip").HasMaxLength(64);
            e.Property(a => a.PreviousHash).HasColumnName("previous_hash");
            e.Property(a => a.Hash).HasColumnName("hash");
            // Rows written before the chain was keyed are unkeyed; every new one says keyed.
            e.Property(a => a.Chain).HasColumnName("chain").HasDefaultValue(AuditEntry.Unkeyed).ValueGeneratedNever();
            e.Property(a => a.Sender).HasColumnName("sender").HasMaxLength(128);
            e.HasIndex(a => a.OccurredAt);
            e.HasIndex(a => a.Actor);
        });
        modelBuilder.Entity<PocUser>(user =>
        {
            user.Property(u => u.DisplayName).HasMaxLength(Accounts.Invitations.MaxNameLength);
            user.Property(u => u.State).HasMaxLength(3);
        });
        modelBuilder.Entity<PocListing>(l =>
        {
            l.ToTable("poc_listings");
            l.HasKey(x => x.PocId);
            l.Property(x => x.PocId).HasColumnName("poc_id");
            l.Property(x => x.State).HasColumnName("state").HasMaxLength(3);
            l.Property(x => x.Email).HasColumnName("email").HasMaxLength(256);
            l.HasIndex(x => x.Email);
            l.Property(x => x.Version).HasColumnName("version");
            l.Property(x => x.WithdrawnAt).HasColumnName("withdrawn_at");
        });
        modelBuilder.Entity<SignInThrottleRow>(t =>
        {
            t.ToTable("sign_in_throttles");
            t.HasKey(x => x.Key);
            t.Property(x => x.Key).HasColumnName("key").HasMaxLength(80);
            t.Property(x => x.Failures).HasColumnName("failures");
            t.Property(x => x.LastFailureAt).HasColumnName("last_failure_at");
            t.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        });
        modelBuilder.Entity<Invitation>(i =>
        {
            i.ToTable("invitations");
            i.Property(x => x.Id).HasColumnName("id");
            i.Property(x => x.Email).HasColumnName("email").HasMaxLength(256);
            i.Property(x => x.DisplayName).HasColumnName("display_name").HasMaxLength(Accounts.Invitations.MaxNameLength);
            i.Property(x => x.Roles).HasColumnName("roles").HasMaxLength(256);
            i.Property(x => x.State).HasColumnName("state").HasMaxLength(3);
            i.Property(x => x.TokenHash).HasColumnName("token_hash");
            i.HasIndex(x => x.TokenHash).IsUnique();
            i.Property(x => x.CreatedAt).HasColumnName("created_at");
            i.Property(x => x.ExpiresAt).HasColumnName("expires_at");
            i.Property(x => x.AcceptedAt).HasColumnName("accepted_at");
            i.Property(x => x.WithdrawnAt).HasColumnName("withdrawn_at");
            i.Property(x => x.InvitedBy).HasColumnName("invited_by").HasMaxLength(256);
            i.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(450);
            i.HasIndex(x => x.Email);
            i.Ignore(x => x.RoleList);
        });
        modelBuilder.Entity<KnownDevice>(d =>
        {
            d.ToTable("known_devices");
            d.Property(x => x.Id).HasColumnName("id");
            d.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(450);
            d.Property(x => x.DeviceHash).HasColumnName("device_hash");
            d.Property(x => x.FirstSeen).HasColumnName("first_seen");
            d.Property(x => x.LastSeen).HasColumnName("last_seen");
            d.Property(x => x.UserAgent).HasColumnName("user_agent").HasMaxLength(300);
            d.HasIndex(x => new { x.UserId, x.DeviceHash }).IsUnique();
        });
        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.AddMemberStateCopy();
    }
}
