using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PocDirectory.Meetings.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class LetterAcknowledgements : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "AcknowledgedAt",
                table: "letter_recipients",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AcknowledgementHash",
                table: "letter_recipients",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_letter_recipients_AcknowledgementHash",
                table: "letter_recipients",
                column: "AcknowledgementHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_letter_recipients_AcknowledgementHash",
                table: "letter_recipients");

            migrationBuilder.DropColumn(
                name: "AcknowledgedAt",
                table: "letter_recipients");

            migrationBuilder.DropColumn(
                name: "AcknowledgementHash",
                table: "letter_recipients");
        }
    }
}
