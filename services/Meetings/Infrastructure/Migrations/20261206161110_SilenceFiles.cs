using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PocDirectory.Meetings.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class SilenceFiles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "DocumentVersion",
                table: "silence_procedures",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "silence_files",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ProcedureId = table.Column<Guid>(type: "uuid", nullable: false),
                    ObjectionId = table.Column<Guid>(type: "uuid", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    FileName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ContentType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false),
                    UploadedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UploadedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_silence_files", x => x.Id);
                    table.ForeignKey(
                        name: "FK_silence_files_silence_objections_ObjectionId",
                        column: x => x.ObjectionId,
                        principalTable: "silence_objections",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_silence_files_silence_procedures_ProcedureId",
                        column: x => x.ProcedureId,
                        principalTable: "silence_procedures",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_silence_files_ObjectionId",
                table: "silence_files",
                column: "ObjectionId",
                unique: true,
                filter: "\"ObjectionId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_silence_files_ProcedureId_Version",
                table: "silence_files",
                columns: new[] { "ProcedureId", "Version" },
                unique: true,
                filter: "\"ObjectionId\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "silence_files");

            migrationBuilder.DropColumn(
                name: "DocumentVersion",
                table: "silence_procedures");
        }
    }
}
