using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PocDirectory.Meetings.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class StakeholderRegistrations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_meeting_invitees_MeetingId_State_Email",
                table: "meeting_invitees");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DecidedAt",
                table: "registrations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DecidedBy",
                table: "registrations",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeclineReason",
                table: "registrations",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Organization",
                table: "registrations",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "StakeholderId",
                table: "registrations",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "registrations",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "approved");

            migrationBuilder.AddColumn<byte[]>(
                name: "RegistrationHash",
                table: "meeting_invitees",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "StakeholderId",
                table: "meeting_invitees",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_registrations_MeetingId_StakeholderId",
                table: "registrations",
                columns: new[] { "MeetingId", "StakeholderId" },
                filter: "\"StakeholderId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_meeting_invitees_MeetingId_StakeholderId",
                table: "meeting_invitees",
                columns: new[] { "MeetingId", "StakeholderId" },
                unique: true,
                filter: "\"StakeholderId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_meeting_invitees_MeetingId_State_Email",
                table: "meeting_invitees",
                columns: new[] { "MeetingId", "State", "Email" },
                unique: true,
                filter: "\"StakeholderId\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_meeting_invitees_RegistrationHash",
                table: "meeting_invitees",
                column: "RegistrationHash",
                unique: true,
                filter: "\"RegistrationHash\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_registrations_MeetingId_StakeholderId",
                table: "registrations");

            migrationBuilder.DropIndex(
                name: "IX_meeting_invitees_MeetingId_StakeholderId",
                table: "meeting_invitees");

            migrationBuilder.DropIndex(
                name: "IX_meeting_invitees_MeetingId_State_Email",
                table: "meeting_invitees");

            migrationBuilder.DropIndex(
                name: "IX_meeting_invitees_RegistrationHash",
                table: "meeting_invitees");

            migrationBuilder.DropColumn(
                name: "DecidedAt",
                table: "registrations");

            migrationBuilder.DropColumn(
                name: "DecidedBy",
                table: "registrations");

            migrationBuilder.DropColumn(
                name: "DeclineReason",
                table: "registrations");

            migrationBuilder.DropColumn(
                name: "Organization",
                table: "registrations");

            migrationBuilder.DropColumn(
                name: "StakeholderId",
                table: "registrations");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "registrations");

            migrationBuilder.DropColumn(
                name: "RegistrationHash",
                table: "meeting_invitees");

            migrationBuilder.DropColumn(
                name: "StakeholderId",
                table: "meeting_invitees");

            migrationBuilder.CreateIndex(
                name: "IX_meeting_invitees_MeetingId_State_Email",
                table: "meeting_invitees",
                columns: new[] { "MeetingId", "State", "Email" },
                unique: true);
        }
    }
}
