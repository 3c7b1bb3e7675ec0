using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PocDirectory.Nominations.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class NominationsWorkflow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "listed_pocs",
                columns: table => new
                {
                    PocId = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Details = table.Column<string>(type: "jsonb", nullable: false),
                    Email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    NominationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ListedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    WithdrawnAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    WithdrawnBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    WithdrawalReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_listed_pocs", x => x.PocId);
                });

            migrationBuilder.CreateTable(
                name: "nomination_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    NominationId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ActorName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Action = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Detail = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_nomination_events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "nomination_versions",
                columns: table => new
                {
                    NominationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    Details = table.Column<string>(type: "jsonb", nullable: false),
                    SubmittedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    SubmittedByName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_nomination_versions", x => new { x.NominationId, x.Revision });
                });

            migrationBuilder.CreateTable(
                name: "nominations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PocId = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    Draft = table.Column<string>(type: "jsonb", nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    Submitted = table.Column<string>(type: "jsonb", nullable: true),
                    NomineeEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ConfirmedEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedByName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedByEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ConfirmationTokenHash = table.Column<byte[]>(type: "bytea", nullable: true),
                    ConfirmationExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ConfirmationReminderSentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ConfirmedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DecidedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    DecisionReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_nominations", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_listed_pocs_Email",
                table: "listed_pocs",
                column: "Email");

            migrationBuilder.CreateIndex(
                name: "IX_listed_pocs_State",
                table: "listed_pocs",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_nomination_events_NominationId",
                table: "nomination_events",
                column: "NominationId");

            migrationBuilder.CreateIndex(
                name: "IX_nominations_ConfirmationTokenHash",
                table: "nominations",
                column: "ConfirmationTokenHash",
                unique: true,
                filter: "\"ConfirmationTokenHash\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_nominations_NomineeEmail",
                table: "nominations",
                column: "NomineeEmail");

            migrationBuilder.CreateIndex(
                name: "ix_nominations_review_queue",
                table: "nominations",
                column: "SubmittedAt",
                filter: "\"Status\" = 'PendingReview'");

            migrationBuilder.CreateIndex(
                name: "IX_nominations_State_Status",
                table: "nominations",
                columns: new[] { "State", "Status" });

            migrationBuilder.CreateIndex(
                name: "ux_nominations_one_open_per_poc",
                table: "nominations",
                column: "PocId",
                unique: true,
                filter: "\"Status\" IN ('Draft', 'AwaitingConfirmation', 'PendingReview', 'Returned')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "listed_pocs");

            migrationBuilder.DropTable(
                name: "nomination_events");

            migrationBuilder.DropTable(
                name: "nomination_versions");

            migrationBuilder.DropTable(
                name: "nominations");
        }
    }
}
