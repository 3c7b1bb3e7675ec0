using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PocDirectory.Directory.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class AddPingCampaigns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "MissedInARow",
                table: "poc_entries",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Reachability",
                table: "poc_entries",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "pending");

            migrationBuilder.CreateTable(
                name: "ping_campaigns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Scope = table.Column<string>(type: "jsonb", nullable: false),
                    WindowHours = table.Column<int>(type: "integer", nullable: false),
                    ReminderHours = table.Column<string>(type: "jsonb", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StartedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    StartedByName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ClosesAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RemindersSent = table.Column<int>(type: "integer", nullable: false),
                    NextDueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RecipientCount = table.Column<int>(type: "integer", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ping_campaigns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ping_links",
                columns: table => new
                {
                    TokenHash = table.Column<byte[]>(type: "bytea", nullable: false),
                    CampaignId = table.Column<Guid>(type: "uuid", nullable: false),
                    PocId = table.Column<Guid>(type: "uuid", nullable: false),
                    EmailId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ping_links", x => x.TokenHash);
                });

            migrationBuilder.CreateTable(
                name: "ping_recipients",
                columns: table => new
                {
                    CampaignId = table.Column<Guid>(type: "uuid", nullable: false),
                    PocId = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    RegionalGroup = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    FullName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    AcknowledgedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AcknowledgedVia = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    UndeliverableAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UndeliverableReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Missed = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ping_recipients", x => new { x.CampaignId, x.PocId });
                });

            migrationBuilder.CreateTable(
                name: "state_update_requests",
                columns: table => new
                {
                    State = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    RequestId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    RequestedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_state_update_requests", x => x.State);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ping_campaigns_Status_NextDueAt",
                table: "ping_campaigns",
                columns: new[] { "Status", "NextDueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ping_links_CampaignId_PocId",
                table: "ping_links",
                columns: new[] { "CampaignId", "PocId" });

            migrationBuilder.CreateIndex(
                name: "IX_ping_links_EmailId",
                table: "ping_links",
                column: "EmailId");

            migrationBuilder.CreateIndex(
                name: "IX_ping_recipients_PocId",
                table: "ping_recipients",
                column: "PocId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ping_campaigns");

            migrationBuilder.DropTable(
                name: "ping_links");

            migrationBuilder.DropTable(
                name: "ping_recipients");

            migrationBuilder.DropTable(
                name: "state_update_requests");

            migrationBuilder.DropColumn(
                name: "MissedInARow",
                table: "poc_entries");

            migrationBuilder.DropColumn(
                name: "Reachability",
                table: "poc_entries");
        }
    }
}
