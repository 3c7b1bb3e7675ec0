using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PocDirectory.Identity.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class AuditChainKeyed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<short>(
                name: "chain",
                table: "audit_log",
                type: "smallint",
                nullable: false,
                defaultValue: (short)1);

            migrationBuilder.AddColumn<string>(
                name: "sender",
                table: "audit_log",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "chain",
                table: "audit_log");

            migrationBuilder.DropColumn(
                name: "sender",
                table: "audit_log");
        }
    }
}
