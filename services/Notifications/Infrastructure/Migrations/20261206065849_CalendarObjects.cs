using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PocDirectory.Notifications.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class CalendarObjects : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "calendar_method",
                table: "email_deliveries",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "calendar_text",
                table: "email_deliveries",
                type: "text",
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "calendar_method",
                table: "email_deliveries");

            migrationBuilder.DropColumn(
                name: "calendar_text",
                table: "email_deliveries");
        }
    }
}
