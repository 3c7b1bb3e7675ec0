using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PocDirectory.Notifications.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class WithdrawnDetailsRemoval : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "withdrawn_addresses",
                columns: table => new
                {
                    poc_id = table.Column<Guid>(type: "uuid", nullable: false),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    withdrawn_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_withdrawn_addresses", x => x.poc_id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_withdrawn_addresses_withdrawn_at",
                table: "withdrawn_addresses",
                column: "withdrawn_at");

            // The e-mails sent to an address, found however its letters were cased.
            migrationBuilder.Sql("CREATE INDEX ix_email_deliveries_to_lower ON email_deliveries (lower(to_address));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_email_deliveries_to_lower;");
            migrationBuilder.DropTable(
                name: "withdrawn_addresses");
        }
    }
}
