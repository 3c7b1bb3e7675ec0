using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PocDirectory.Directory.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class PointsOfContact : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "poc_changes",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    PocId = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_poc_changes", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "poc_entries",
                columns: table => new
                {
                    PocId = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Details = table.Column<string>(type: "jsonb", nullable: true),
                    ListedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    WithdrawnAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastVerifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ChangeSequence = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_poc_entries", x => x.PocId);
                });

            migrationBuilder.CreateTable(
                name: "poc_entry_versions",
                columns: table => new
                {
                    PocId = table.Column<Guid>(type: "uuid", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Details = table.Column<string>(type: "jsonb", nullable: true),
                    ChangedFields = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    NominationId = table.Column<Guid>(type: "uuid", nullable: true),
                    SubmittedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_poc_entry_versions", x => new { x.PocId, x.Version });
                });

            migrationBuilder.CreateIndex(
                name: "IX_poc_entries_ChangeSequence",
                table: "poc_entries",
                column: "ChangeSequence");

            migrationBuilder.CreateIndex(
                name: "IX_poc_entries_State",
                table: "poc_entries",
                column: "State");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "poc_changes");

            migrationBuilder.DropTable(
                name: "poc_entries");

            migrationBuilder.DropTable(
                name: "poc_entry_versions");
        }
    }
}
