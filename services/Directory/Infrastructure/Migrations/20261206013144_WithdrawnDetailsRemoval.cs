using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PocDirectory.Directory.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class WithdrawnDetailsRemoval : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DetailsRemovedAt",
                table: "poc_entries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_poc_entries_WithdrawnAt",
                table: "poc_entries",
                column: "WithdrawnAt",
                filter: "\"DetailsRemovedAt\" IS NULL AND \"Status\" = 'Withdrawn'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_poc_entries_WithdrawnAt",
                table: "poc_entries");

            migrationBuilder.DropColumn(
                name: "DetailsRemovedAt",
                table: "poc_entries");
        }
    }
}
