using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PocDirectory.Meetings.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class PointsOfContactMail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "PointsOfContactInvitedAt",
                table: "meetings",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PointsOfContactReached",
                table: "meetings",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "PointsOfContactRequestId",
                table: "meetings",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PointsOfContactReached",
                table: "letters",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "ToPointsOfContact",
                table: "letters",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PointsOfContactInvitedAt",
                table: "meetings");

            migrationBuilder.DropColumn(
                name: "PointsOfContactReached",
                table: "meetings");

            migrationBuilder.DropColumn(
                name: "PointsOfContactRequestId",
                table: "meetings");

            migrationBuilder.DropColumn(
                name: "PointsOfContactReached",
                table: "letters");

            migrationBuilder.DropColumn(
                name: "ToPointsOfContact",
                table: "letters");
        }
    }
}
