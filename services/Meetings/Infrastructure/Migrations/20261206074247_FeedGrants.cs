using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PocDirectory.Meetings.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class FeedGrants : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Feeds made before this change hold no roles nor issue time: they are ended, and their owners make new ones.
            migrationBuilder.Sql("DELETE FROM calendar_feeds;");

            migrationBuilder.DropColumn(
                name: "All",
                table: "calendar_feeds");

            migrationBuilder.RenameColumn(
                name: "Audiences",
                table: "calendar_feeds",
                newName: "Roles");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ExpiresAt",
                table: "calendar_feeds",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "GrantedAt",
                table: "calendar_feeds",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LastReadAt",
                table: "calendar_feeds",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "State",
                table: "calendar_feeds",
                type: "character varying(3)",
                maxLength: 3,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "revoked_subjects",
                columns: table => new
                {
                    Subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_revoked_subjects", x => x.Subject);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "revoked_subjects");

            migrationBuilder.DropColumn(
                name: "ExpiresAt",
                table: "calendar_feeds");

            migrationBuilder.DropColumn(
                name: "GrantedAt",
                table: "calendar_feeds");

            migrationBuilder.DropColumn(
                name: "LastReadAt",
                table: "calendar_feeds");

            migrationBuilder.DropColumn(
                name: "State",
                table: "calendar_feeds");

            migrationBuilder.RenameColumn(
                name: "Roles",
                table: "calendar_feeds",
                newName: "Audiences");

            migrationBuilder.AddColumn<bool>(
                name: "All",
                table: "calendar_feeds",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }
    }
}
