using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PocDirectory.Meetings.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class StakeholderAccreditation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "accreditation_rounds",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Deadline = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Zone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CirculatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CirculatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LetterId = table.Column<Guid>(type: "uuid", nullable: true),
                    Revision = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_accreditation_rounds", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "stakeholder_applications",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Organization = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    OrganizationKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Website = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Headquarters = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Ecosoc = table.Column<bool>(type: "boolean", nullable: false),
                    EcosocReference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Purpose = table.Column<string>(type: "character varying(5000)", maxLength: 5000, nullable: false),
                    Relevance = table.Column<string>(type: "character varying(5000)", maxLength: 5000, nullable: false),
                    UnInteraction = table.Column<string>(type: "character varying(5000)", maxLength: 5000, nullable: true),
                    ContactName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ContactEmail = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    Letter = table.Column<byte[]>(type: "bytea", nullable: false),
                    LetterFileName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    LetterSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    ConfirmationHash = table.Column<byte[]>(type: "bytea", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ConfirmedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CheckedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CheckedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ReturnReason = table.Column<string>(type: "character varying(5000)", maxLength: 5000, nullable: true),
                    RoundId = table.Column<Guid>(type: "uuid", nullable: true),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Revision = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_stakeholder_applications", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "accreditation_objections",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RoundId = table.Column<Guid>(type: "uuid", nullable: false),
                    ApplicationId = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Basis = table.Column<string>(type: "character varying(5000)", maxLength: 5000, nullable: true),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReceivedFrom = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    WithdrawnAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_accreditation_objections", x => x.Id);
                    table.ForeignKey(
                        name: "FK_accreditation_objections_accreditation_rounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "accreditation_rounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_accreditation_objections_stakeholder_applications_Applicati~",
                        column: x => x.ApplicationId,
                        principalTable: "stakeholder_applications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_silence_procedures_Subject_ExpiresAt",
                table: "silence_procedures",
                columns: new[] { "Subject", "ExpiresAt" },
                unique: true,
                filter: "\"Status\" = 'under-silence'");

            migrationBuilder.CreateIndex(
                name: "IX_accreditation_objections_ApplicationId",
                table: "accreditation_objections",
                column: "ApplicationId");

            migrationBuilder.CreateIndex(
                name: "IX_accreditation_objections_RoundId_ApplicationId_State",
                table: "accreditation_objections",
                columns: new[] { "RoundId", "ApplicationId", "State" },
                unique: true,
                filter: "\"WithdrawnAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_accreditation_rounds_Deadline",
                table: "accreditation_rounds",
                column: "Deadline",
                filter: "\"Status\" = 'circulated'");

            migrationBuilder.CreateIndex(
                name: "IX_stakeholder_applications_ConfirmationHash",
                table: "stakeholder_applications",
                column: "ConfirmationHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_stakeholder_applications_ContactEmail",
                table: "stakeholder_applications",
                column: "ContactEmail");

            migrationBuilder.CreateIndex(
                name: "IX_stakeholder_applications_CreatedAt",
                table: "stakeholder_applications",
                column: "CreatedAt",
                filter: "\"Status\" = 'awaiting-confirmation'");

            migrationBuilder.CreateIndex(
                name: "IX_stakeholder_applications_OrganizationKey",
                table: "stakeholder_applications",
                column: "OrganizationKey");

            migrationBuilder.CreateIndex(
                name: "IX_stakeholder_applications_RoundId",
                table: "stakeholder_applications",
                column: "RoundId");

            migrationBuilder.CreateIndex(
                name: "IX_stakeholder_applications_Status",
                table: "stakeholder_applications",
                column: "Status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "accreditation_objections");

            migrationBuilder.DropTable(
                name: "accreditation_rounds");

            migrationBuilder.DropTable(
                name: "stakeholder_applications");

            migrationBuilder.DropIndex(
                name: "IX_silence_procedures_Subject_ExpiresAt",
                table: "silence_procedures");
        }
    }
}
