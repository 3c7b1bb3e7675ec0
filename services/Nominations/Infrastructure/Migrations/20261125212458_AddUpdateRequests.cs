using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PocDirectory.Nominations.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class AddUpdateRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "update_request_schedule",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    NextRoundAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastRoundAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_update_request_schedule", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "update_requests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    RequestedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RequestedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RemindedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    OverdueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AnsweredBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    SupersededAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_update_requests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "update_request_entries",
                columns: table => new
                {
                    RequestId = table.Column<Guid>(type: "uuid", nullable: false),
                    PocId = table.Column<Guid>(type: "uuid", nullable: false),
                    FullName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ConfirmedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ConfirmedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_update_request_entries", x => new { x.RequestId, x.PocId });
                    table.ForeignKey(
                        name: "FK_update_request_entries_update_requests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "update_requests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_update_request_entries_PocId",
                table: "update_request_entries",
                column: "PocId");

            migrationBuilder.CreateIndex(
                name: "ix_update_requests_due",
                table: "update_requests",
                column: "RequestedAt",
                filter: "\"Status\" = 'open'");

            migrationBuilder.CreateIndex(
                name: "IX_update_requests_State_RequestedAt",
                table: "update_requests",
                columns: new[] { "State", "RequestedAt" });

            migrationBuilder.CreateIndex(
                name: "ux_update_requests_one_open_per_state",
                table: "update_requests",
                column: "State",
                unique: true,
                filter: "\"Status\" IN ('open', 'overdue')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "update_request_entries");

            migrationBuilder.DropTable(
                name: "update_request_schedule");

            migrationBuilder.DropTable(
                name: "update_requests");
        }
    }
}
