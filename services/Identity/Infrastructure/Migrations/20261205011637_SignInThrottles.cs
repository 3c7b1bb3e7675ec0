using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PocDirectory.Identity.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class SignInThrottles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sign_in_throttles",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    failures = table.Column<double>(type: "double precision", nullable: false),
                    last_failure_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sign_in_throttles", x => x.key);
                });
            // No account is locked any more: failures slow attempts down instead.
            migrationBuilder.Sql("""UPDATE "AspNetUsers" SET "LockoutEnabled" = false, "LockoutEnd" = NULL, "AccessFailedCount" = 0""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sign_in_throttles");
        }
    }
}
