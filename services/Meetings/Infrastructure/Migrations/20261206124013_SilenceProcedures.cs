using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PocDirectory.Meetings.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class SilenceProcedures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "silence_procedures",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Subject = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Proposal = table.Column<string>(type: "character varying(50000)", maxLength: 50000, nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Zone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    IsPublic = table.Column<bool>(type: "boolean", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CirculatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CirculatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Extensions = table.Column<int>(type: "integer", nullable: false),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    BrokenBy = table.Column<List<string>>(type: "text[]", nullable: false),
                    Letters = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    AnnouncedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SeedKey = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_silence_procedures", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "silence_objections",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ProcedureId = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Letter = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    Paragraphs = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Amendment = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReceivedFrom = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    WithdrawnAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_silence_objections", x => x.Id);
                    table.ForeignKey(
                        name: "FK_silence_objections_silence_procedures_ProcedureId",
                        column: x => x.ProcedureId,
                        principalTable: "silence_procedures",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_silence_objections_ProcedureId_State",
                table: "silence_objections",
                columns: new[] { "ProcedureId", "State" },
                unique: true,
                filter: "\"WithdrawnAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_silence_procedures_ExpiresAt",
                table: "silence_procedures",
                column: "ExpiresAt",
                filter: "\"Status\" = 'under-silence'");

            migrationBuilder.CreateIndex(
                name: "IX_silence_procedures_SeedKey",
                table: "silence_procedures",
                column: "SeedKey",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "silence_objections");

            migrationBuilder.DropTable(
                name: "silence_procedures");
        }
    }
}
